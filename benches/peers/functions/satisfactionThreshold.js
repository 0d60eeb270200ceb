// indicators.satisfaction-threshold (policies/default/indicators.jxp): a satisfaction
// indicator's percent target is at least min_satisfaction (jixiao's default, 90%).
const MIN_SATISFACTION = 90;
const present = (s) => typeof s === 'string' && s.trim() !== '';
const amount = (x) => {
  if (typeof x === 'number') return x;
  if (!present(x)) return undefined;
  const n = Number(x);
  return Number.isNaN(n) ? undefined : n;
};

export default function satisfactionThreshold(project, _opts, context) {
  if (project === null || typeof project !== 'object' || !Array.isArray(project.indicators)) return;
  const results = [];
  project.indicators.forEach((i, j) => {
    if (i === null || typeof i !== 'object' || !present(i.name)) return;
    if (i.category !== 'satisfaction' || i.value === null || typeof i.value !== 'object') return;
    if (i.value.kind !== 'percent') return;
    const pct = amount(i.value.amount);
    if (pct !== undefined && pct < MIN_SATISFACTION) {
      results.push({
        message: `满意度指标“${i.name}”为 ${i.value.text}，低于 ${MIN_SATISFACTION}%`,
        path: [...context.path, 'indicators', j, 'value'],
      });
    }
  });
  return results;
}
