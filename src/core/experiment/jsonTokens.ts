/**
 * jsonc-parser's SyntaxKind values, for code that reads its scanner's tokens (parse.ts, syntaxError.ts):
 * SyntaxKind is an ambient const enum, which isolated modules cannot read.
 */
export const TOKEN = { OpenBrace: 1, CloseBrace: 2, OpenBracket: 3, CloseBracket: 4, Comma: 5, Colon: 6, String: 10, LineComment: 12, BlockComment: 13, LineBreak: 14, Trivia: 15, EOF: 17 } as const;
