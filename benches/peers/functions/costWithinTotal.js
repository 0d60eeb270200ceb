// funds.cost-within-total (policies/default/funds.jxp): each money cost indicator, and their
// sum (at the last one, when no single one exceeds already), within funds.total.
const present = (s) => typeof s === 'string' && s.trim() !== '';
const amount = (x) => {
  if (typeof x === 'number') return x;
  if (!present(x)) return undefined;
  const n = Number(x);
  return Number.isNaN(n) ? undefined : n;
};
const isMoneyCost = (i) =>
  i !== null && typeof i === 'object' && present(i.name) && i.category === 'cost' &&
  i.value !== null && typeof i.value === 'object' && i.value.kind === 'money';

export default function costWithinTotal(project, _opts, context) {
  if (project === null || typeof project !== 'object' || !Array.isArray(project.indicators)) return;
  const total = amount(project.funds && project.funds.total);
  if (total === undefined) return; // unknown: no finding
  const results = [];
  let last = -1;
  let sum = 0;
  let allKnown = true;
  let anyOver = false;
  project.indicators.forEach((i, j) => {
    if (!isMoneyCost(i)) return;
    last = j;
    const m = amount(i.value.amount);
    if (m === undefined) {
      allKnown = false;
      return;
    }
    sum += m;
    if (m > total) {
      anyOver = true;
      results.push({
        message: `[item] 成本指标“${i.name}”为 ${i.value.text}，超过资金总额 ${total}`,
        path: [...context.path, 'indicators', j],
      });
    }
  });
  if (last >= 0 && allKnown && !anyOver && sum > total) {
    results.push({
      message: `[sum] 成本指标合计 ${sum}，超过资金总额 ${total}`,
      path: [...context.path, 'indicators', last],
    });
  }
  return results;
}
