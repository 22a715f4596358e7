/**
 * POSIX shell quoting for the operator scripts. Commands are built as argv
 * arrays; this turns each element back into exactly one shell word, whatever
 * it contains, so a script line runs the argv it was rendered from.
 */

/** Words made only of these need no quotes in any POSIX shell position after the command name. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

const RESERVED_WORDS = new Set([
  "case",
  "do",
  "done",
  "elif",
  "else",
  "esac",
  "fi",
  "for",
  "if",
  "in",
  "then",
  "until",
  "while",
]);

/**
 * One shell word. Plain words stay readable; anything else is single-quoted,
 * the only quoting in which no character is special, with each `'` written as
 * `'\''` (close, escaped quote, reopen). NUL cannot be in an argv element.
 */
export function shellQuote(word: string): string {
  if (word.includes("\0")) throw new Error(`${JSON.stringify(word)} contains NUL, which no command argument can carry`);
  if (PLAIN_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line that runs `argv` unchanged. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("a command needs at least its program name");
  const [program, ...args] = argv;
  // In command position an unquoted `NAME=value` is an assignment and `if`, `for`... are keywords.
  const first =
    PLAIN_WORD.test(program) && (program.includes("=") || RESERVED_WORDS.has(program))
      ? `'${program}'`
      : shellQuote(program);
  return [first, ...args.map(shellQuote)].join(" ");
}
