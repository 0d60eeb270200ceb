// indicators.required-level1 (policies/default/indicators.jxp): 产出指标, 效益指标 and 满意度指标
// among the level1s, and some cost indicator. A missing level1 (or category) on some indicator
// makes the `none`/`any` unknown, and then that part does not fire.
const REQUIRED = ['产出指标', '效益指标', '满意度指标'];
const present = (s) => typeof s === 'string' && s.trim() !== '';

export default function requiredLevel1(project, _opts, context) {
  if (project === null || typeof project !== 'object' || !Array.isArray(project.indicators)) return;
  const level1s = new Set();
  let level1Known = true;
  let categoryKnown = true;
  let hasCost = false;
  for (const i of project.indicators) {
    if (i === null || typeof i !== 'object' || !present(i.name)) continue;
    if (present(i.level1)) level1s.add(i.level1);
    else level1Known = false;
    if (present(i.category)) {
      if (i.category === 'cost') hasCost = true;
    } else categoryKnown = false;
  }
  const results = [];
  const absent = REQUIRED.filter((n) => !level1s.has(n));
  if (level1Known && absent.length > 0) {
    results.push({
      message: `[level1:${absent.join('、')}] 项目“${project.name}”缺少一级指标：${absent.join('、')}`,
      path: [...context.path, 'name'],
    });
  }
  if (categoryKnown && !hasCost) {
    results.push({
      message: `[cost] 项目“${project.name}”缺少成本指标`,
      path: [...context.path, 'name'],
    });
  }
  return results;
}
