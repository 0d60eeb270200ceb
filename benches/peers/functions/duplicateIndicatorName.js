// indicators.duplicate-name (policies/default/indicators.jxp): every indicator whose name an
// earlier indicator of the same form has.
const present = (s) => typeof s === 'string' && s.trim() !== '';

export default function duplicateIndicatorName(project, _opts, context) {
  if (project === null || typeof project !== 'object' || !Array.isArray(project.indicators)) return;
  const seen = new Set();
  const results = [];
  project.indicators.forEach((i, j) => {
    if (i === null || typeof i !== 'object' || !present(i.name)) return;
    if (seen.has(i.name)) {
      results.push({
        message: `三级指标“${i.name}”在本表中重复出现`,
        path: [...context.path, 'indicators', j, 'name'],
      });
    } else seen.add(i.name);
  });
  return results;
}
