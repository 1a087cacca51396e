/**
 * Passwords too common to allow, compared case-insensitively. A short list of
 * the most frequent leaked passwords that would otherwise pass the character
 * rules (upper, lower, digit, length 8+), plus service-specific guesses. One
 * string of words, split at load.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
  password1 password12 password123 passw0rd p@ssw0rd p@ssword1 pa$$w0rd password!1 qwerty12 qwerty123 qwerty1! qwertyui1 qwerty2020 qwerty2024 qwerty2025 qwerty2026 welcome1 welcome12 welcome123 admin123
  admin2024 administrator1 letmein1 letmein12 iloveyou1 iloveyou2 sunshine1 princess1 football1 baseball1 monkey123 dragon123 master123 shadow123 superman1 batman123 trustno1a michael1 jennifer1 charlie1
  summer2024 summer2025 summer2026 winter2024 winter2025 winter2026 spring2025 autumn2025 january2025 changeme1 changeme123 default1 secret123 mypassword1 zaq1xsw2 zaq12wsx 1qaz2wsx 1q2w3e4r 1q2w3e4r5t q1w2e3r4
  q1w2e3r4t5 a1b2c3d4 abc12345 abcd1234 asdf1234 asdfgh12 zxcvbn12 zxcvbnm1 qazwsx12 test1234 testtest1 user1234 parol123 parol2024 parolparol1 privet123 moskva2024 russia2024 rossiya1 gospochta1
  gosuslugi1 gosuslugi2024 pochta123 mail1234 email123 natasha1 sergey123 aleksandr1 dima1234 maxim123 vladimir1 tatyana1 olga1234 anna1234 marina123 elena123
  `
    .trim()
    .split(/\s+/)
    .map((p) => p.toLowerCase()),
);
