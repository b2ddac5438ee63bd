// A recipe's patch functions by name. Each recipe is a folder, src/recipes/<name>/, holding its
// code (index.ts) and its package.json (the patch package `wrapt-hooks/recipes/<name>`, which
// the build writes to dist/recipes/<name>/ with an index.js that asks for `recipe('<name>')`).
// The require below names the folder by a template, so the bundler takes in every recipe folder
// and evaluates a recipe's module only when its name is first asked for: adding a recipe is
// adding a folder.
export function loadRecipe(name: string): object {
  if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`wrapt-hooks: "${name}" is not a recipe name`);
  return require(`./${name}/index.ts`) as object;
}
