/**
 * The entry of a benchmark whose clients run in a forked copy of its own script
 * (`fork(fileURLToPath(import.meta.url), ['child'])`, so the server's RSS and CPU
 * time are its own): started as `child` it runs the job the parent sends, else
 * `main`, exiting 1 on an error.
 */
export function benchEntry<J>(main: () => Promise<void>, child: (job: J) => Promise<void>): void {
  if (process.argv[2] === 'child') {
    process.once('message', (job) => void child(job as J));
  } else {
    main().catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
  }
}
