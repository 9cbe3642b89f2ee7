// Side-effect CSS imports are bundled by esbuild into dist/<bundle>.css.
declare module '*.css';
