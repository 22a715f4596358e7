/**
 * Apache httpd (2.2 and 2.4) config argument quoting. httpd reads a config
 * line by line, splits arguments on whitespace unless double-quoted, turns
 * `\"` and `\\` inside quotes back into `"` and `\`, and expands `${NAME}`
 * anywhere on a line before parsing it. So a value may carry neither a line
 * break (it would start a new directive) nor `${` (no escape exists for it).
 */

/** The first character httpd cannot hold inside an argument (C0 controls but tab, and DEL), if any. */
export function firstControlCharacter(text: string): string | undefined {
  for (const c of text) {
    const code = c.charCodeAt(0);
    if ((code < 0x20 && c !== "\t") || code === 0x7f) return c;
  }
  return undefined;
}

/** Characters that are safe as an unquoted argument, including inside a section tag. */
const BARE = /^[A-Za-z0-9_.:/=+,@!*[\]-]+$/;

export class ApacheQuotingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApacheQuotingError";
  }
}

function rejectUnquotable(value: string): void {
  const control = firstControlCharacter(value);
  if (control !== undefined) {
    const code = control.charCodeAt(0).toString(16).padStart(4, "0");
    throw new ApacheQuotingError(
      `${JSON.stringify(value)} contains control character U+${code}; an httpd config argument cannot hold line breaks, NUL or other control characters`,
    );
  }
  if (value.includes("${")) {
    throw new ApacheQuotingError(
      `${JSON.stringify(value)} contains "\${", which httpd expands as a config variable on every line; no escape exists for it`,
    );
  }
}

/** One double-quoted argument: `"` and `\` escaped, line breaks, NUL and `${` rejected. */
export function quoteArgument(value: string): string {
  rejectUnquotable(value);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An argument written bare when it is plainly safe, quoted otherwise. */
export function directiveArgument(value: string | number): string {
  const text = String(value);
  return BARE.test(text) ? text : quoteArgument(text);
}

/**
 * An argument that must stay unquoted: some section tags (`<IfModule>`) read
 * their argument raw, so a quote would become part of it.
 */
export function bareArgument(value: string | number): string {
  const text = String(value);
  if (!BARE.test(text)) {
    throw new ApacheQuotingError(
      `${JSON.stringify(text)} cannot be an unquoted httpd argument: only letters, digits and _ . : / = + , @ ! * [ ] - are allowed`,
    );
  }
  return text;
}

/** Text matched literally inside a PCRE pattern outside a character class (RewriteCond, RewriteRule). */
export function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}
