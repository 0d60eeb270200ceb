// project.duplicate-name (policies/default/project.jxp): every project whose name an earlier
// project of the document has. One pass with a map from name to first index.
const present = (s) => typeof s === 'string' && s.trim() !== '';

export default function duplicateProjectName(projects, _opts, context) {
  if (!Array.isArray(projects)) return;
  const first = new Map();
  const results = [];
  projects.forEach((p, k) => {
    if (p === null || typeof p !== 'object' || !present(p.name)) return;
    const earlier = first.get(p.name);
    if (earlier === undefined) first.set(p.name, k);
    else {
      results.push({
        message: `项目名称“${p.name}”与第 ${earlier + 1} 张表重复`,
        path: [...context.path, k, 'name'],
      });
    }
  });
  return results;
}
