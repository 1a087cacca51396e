/**
 * Messages that more than one IMAP test file stores: address groups (RFC 5322 §3.4,
 * `display-name ":" [group-list] ";"`).
 */

/** 1: two groups with members, 2: an empty group, 3: no group. */
export const GROUP_MESSAGES = [
  'From: RealFrom <user-from@domain.org>\r\nTo: groupname: groupuser1@domain.org, groupuser2@domain.org;,\r\n  groupname2: groupuser3@domain.org;\r\nSubject: groups\r\n\r\nbody6\r\n',
  'From: RealFrom <user-from@domain.org>\r\nTo: groupname:;\r\nSubject: empty group\r\n\r\nbody7\r\n',
  'From: a@domain.org\r\nTo: plain@domain.org\r\nSubject: no group\r\n\r\nx\r\n',
];
