// The recipes' patch functions by name, each module evaluated on first use (recipes/<name>/index.js
// asks for one when its target loads).
export function loadRecipe(name: string): object | undefined {
  switch (name) {
    case 'http':
      return require('./http') as typeof import('./http');
    case 'sql':
      return require('./sql') as typeof import('./sql');
    case 'child_process':
      return require('./child-process') as typeof import('./child-process');
    case 'tempfile':
      return require('./tempfile') as typeof import('./tempfile');
    case 'handles':
      return require('./handles') as typeof import('./handles');
    default:
      return undefined;
  }
}
