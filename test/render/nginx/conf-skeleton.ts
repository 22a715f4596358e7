/**
 * Reads rendered nginx config the way nginx tokenizes it (quotes, escapes,
 * comments, blocks, includes) and reduces it to its skeleton: each directive's
 * name and argument count, nested by block. Two configs with the same skeleton
 * contain the same directives; a value that broke out of its quotes would
 * change it.
 */

interface Token {
  readonly text: string;
  /** `{`, `}` or `;` outside quotes. */
  readonly special: boolean;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push({ text: c, special: true });
      i++;
    } else if (c === '"' || c === "'") {
      let text = "";
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === "\\" && i + 1 < source.length) i++;
        text += source[i++];
      }
      if (i >= source.length) throw new Error("unterminated quoted string");
      i++;
      tokens.push({ text, special: false });
    } else {
      let text = "";
      while (i < source.length && !/[\s;{}]/.test(source[i])) {
        // `${name}` keeps its braces inside an unquoted word, as in nginx.
        if (source[i] === "$" && source[i + 1] === "{") {
          const end = source.indexOf("}", i);
          if (end < 0) throw new Error("unterminated ${");
          text += source.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        text += source[i++];
      }
      tokens.push({ text, special: false });
    }
  }
  return tokens;
}

/** Blocks whose entries are data (`"~pattern" value;`), not directives. */
const DATA_BLOCKS = new Set(["map", "geo"]);

interface Node {
  readonly label: string;
  readonly children: Node[];
}

/** One line per directive, each level's siblings in a canonical order, so the order of keys does not matter. */
function lines(nodes: readonly Node[], depth: number): string[] {
  return nodes
    .map((n) => [
      `${"  ".repeat(depth)}${n.label}${n.children.length > 0 ? " {" : ""}`,
      ...lines(n.children, depth + 1),
    ])
    .sort((a, b) => a.join("\n").localeCompare(b.join("\n")))
    .flat();
}

/**
 * `name/argc` per directive (`<entry>` for map and geo entries), nested by
 * block, includes followed through `files`.
 */
export function skeleton(files: ReadonlyMap<string, string>, main = "nginx.conf"): string[] {
  const walk = (path: string, into: Node[], seen: readonly string[]) => {
    const source = files.get(path);
    if (source === undefined) throw new Error(`include of unknown file ${path}`);
    if (seen.includes(path)) throw new Error(`include cycle at ${path}`);
    const stack: { name: string; children: Node[] }[] = [{ name: "", children: into }];
    let current: string[] = [];
    for (const token of tokenize(source)) {
      if (!token.special) {
        current.push(token.text);
        continue;
      }
      if (token.text === "}") {
        if (current.length > 0) throw new Error(`directive ${current[0]} not ended before }`);
        if (stack.length === 1) throw new Error(`unbalanced } in ${path}`);
        stack.pop();
        continue;
      }
      if (current.length === 0) throw new Error(`empty directive in ${path}`);
      const [name, ...args] = current;
      const parent = stack[stack.length - 1];
      const node: Node = { label: `${DATA_BLOCKS.has(parent.name) ? "<entry>" : name}/${args.length}`, children: [] };
      parent.children.push(node);
      if (token.text === "{") stack.push({ name, children: node.children });
      else if (name === "include") walk(args[0], parent.children, [...seen, path]);
      current = [];
    }
    if (current.length > 0 || stack.length !== 1) throw new Error(`unterminated directive or block in ${path}`);
  };
  const root: Node[] = [];
  walk(main, root, []);
  return lines(root, 0);
}
