/** A rendered configuration file: the absolute path it is written to on its host, and its text. */
export interface ConfigFile {
  readonly path: string;
  readonly content: string;
}
