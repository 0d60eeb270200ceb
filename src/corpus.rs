//! A deterministic generator of realistic forms in the text layout of PDF-extracted approval
//! tables, for benchmarks and stress tests: varying names, amounts, units and values, the layout
//! quirks of the real sample (drifting columns, merged and cut level names, names in the 一级 or
//! first column, words split by spaces, `<p>` goals, page numbers between rows), and injected
//! rule violations at a steady rate.
//!
//! The same seed always gives the same text.

use std::fmt::Write as _;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct CorpusOptions {
    pub seed: u64,
    /// Share of forms (0–100) with an injected violation.
    pub violation_percent: u32,
    /// Department codes to spread the forms over (for cross-form rules).
    pub departments: u32,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            seed: 2025,
            violation_percent: 10,
            departments: 20,
        }
    }
}

const TOPICS: &[&str] = &[
    "职业技能培训",
    "就业见习补贴",
    "人才引进",
    "劳动监察",
    "社保卡应用推广",
    "人事考试",
    "劳务协作",
    "档案数字化",
    "网络安全维护",
    "城乡居民养老保险",
    "工伤保险宣传",
    "创业担保贷款贴息",
    "公益性岗位补贴",
    "高校毕业生就业服务",
    "农民工工资保障",
    "技工院校学生资助",
    "职称评审",
    "劳动能力鉴定",
];
const SUFFIXES: &[&str] = &["经费", "专项经费", "工作经费", "补助资金", "项目"];
const PLACES: &[&str] = &[
    "黔南布依族苗族自治州",
    "黔东南苗族侗族自治州",
    "遵义市",
    "安顺市",
    "毕节市",
    "铜仁市",
];
const BUREAUS: &[&str] = &[
    "人力资源和社会保障局",
    "财政局",
    "教育局",
    "民政局",
    "卫生健康局",
];
const COUNT_UNITS: &[&str] = &[
    "人",
    "次",
    "件",
    "台",
    "册",
    "家",
    "项",
    "套",
    "场次",
    "人次",
    "平方米",
    "公里",
    "亩",
];
const QUANTITY_NAMES: &[&str] = &[
    "培训人数",
    "举办培训班期数",
    "走访调研次数",
    "受理案件数",
    "采购设备数量",
    "印制资料数量",
    "服务企业数",
    "覆盖面积",
];
const QUALITY_NAMES: &[&str] = &[
    "培训合格率",
    "资金发放准确率",
    "工作完成率",
    "设备验收合格率",
    "档案录入完成率",
    "补贴到位率",
];
const TIMELINESS_NAMES: &[&str] = &["完成时间", "资金拨付时间", "培训完成时间", "采购完成时间"];
const BENEFIT_NAMES: &[&str] = &[
    "提升群众政策知晓率",
    "促进就业创业",
    "维护劳动者权益",
    "提高服务效能",
    "带动就业人数增长率",
];
const QUALITATIVE: &[&str] = &["有效提高", "明显提升", "稳步提升", "有效保障", "显著改善"];
const SATISFACTION_NAMES: &[&str] = &[
    "服务对象满意度",
    "参训人员满意度",
    "群众满意度",
    "企业满意度",
];

struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items
            .get(self.rng.usize(..items.len()))
            .copied()
            .unwrap_or("")
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    /// A 1–3 character cut or a space inside a Chinese name, as PDF extraction leaves them.
    fn mangle(&mut self, name: &str) -> String {
        let chars: Vec<char> = name.chars().collect();
        if chars.len() > 6 && self.chance(8) {
            let at = self.rng.usize(2..chars.len() - 2);
            let mut s: String = chars.get(..at).unwrap_or(&[]).iter().collect();
            s.push(' ');
            s.extend(chars.get(at..).unwrap_or(&[]));
            return s;
        }
        name.to_owned()
    }
}

/// Generate forms until the text is at least `bytes` long.
pub fn generate_bytes(bytes: usize, options: CorpusOptions) -> String {
    let mut generator = Gen {
        rng: fastrand::Rng::with_seed(options.seed),
    };
    let mut out = String::with_capacity(bytes + 8192);
    let mut index = 0;
    while out.len() < bytes {
        index += 1;
        write_form(&mut generator, &mut out, index, options);
    }
    out
}

/// Generate exactly `forms` forms.
pub fn generate_forms(forms: usize, options: CorpusOptions) -> String {
    let mut generator = Gen {
        rng: fastrand::Rng::with_seed(options.seed),
    };
    let mut out = String::with_capacity(forms * 1400);
    for index in 1..=forms {
        write_form(&mut generator, &mut out, index, options);
    }
    out
}

fn write_form(g: &mut Gen, out: &mut String, index: usize, options: CorpusOptions) {
    let violation = if g.chance(options.violation_percent) {
        g.rng.u32(1..9)
    } else {
        0
    };
    let department = g.rng.u32(..options.departments.max(1));
    let place = PLACES
        .get(department as usize % PLACES.len())
        .copied()
        .unwrap_or("");
    let bureau = BUREAUS
        .get(department as usize / PLACES.len() % BUREAUS.len())
        .copied()
        .unwrap_or("");
    let department_name = format!("{place}{bureau}");
    let code = 100 + department;
    let topic = g.pick(TOPICS);
    let suffix = g.pick(SUFFIXES);
    let name = format!("{topic}{suffix}（{index}）");
    // Amounts in 元: whole thousands, sometimes with cents.
    let total: u64 = g.rng.u64(5..5000) * 1000;
    let superior: u64 = if g.chance(30) { total / 4 } else { 0 };
    let other: u64 = if g.chance(15) { total / 10 } else { 0 };
    let fiscal = total - other;
    let own = fiscal - superior;
    let shown_total = if violation == 1 { total + 1000 } else { total };
    // Column drift: some forms put everything one column left.
    let lead = if g.chance(20) { "\t" } else { "\t\t" };
    let implementer = match violation {
        2 => {
            let cut: String = department_name
                .chars()
                .take(department_name.chars().count().saturating_sub(2))
                .collect();
            cut
        }
        _ => g.mangle(&department_name),
    };
    let _ = writeln!(out, "\n项目支出绩效目标批复表\n\n(2025年度)\n");
    let _ = writeln!(out, "项目名称{lead}{name}\t\t\t");
    let _ = writeln!(
        out,
        "主管部门及代码{lead}[{code}]{}\t实施单位\t{implementer}\t",
        g.mangle(&department_name)
    );
    let _ = writeln!(out, "资金来源{lead}年度资金情况\t\t\t");
    let money = |v: u64| {
        let s = v.to_string();
        let mut grouped = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    };
    let _ = writeln!(out, "\t{lead}资金总额(元):{lead}{}\t", money(shown_total));
    let _ = writeln!(out, "\t{lead}财政拨款{lead}{}\t", money(fiscal));
    let _ = writeln!(out, "\t{lead}其中: 上级补助{lead}{}\t", money(superior));
    let _ = writeln!(out, "\t{lead}本级安排{lead}{}\t", money(own));
    let _ = writeln!(out, "\t{lead}其他资金{lead}{}\t", money(other));
    let goals = g.rng.usize(1..5);
    let mut goal_text = String::new();
    for k in 1..=goals {
        let number = if violation == 3 && k == goals && goals > 1 {
            k + 1
        } else {
            k
        };
        if goals == 1 && g.chance(50) {
            let _ = write!(goal_text, "目标: 做好{topic}工作，保障项目顺利实施。");
        } else if g.chance(50) {
            let _ = write!(
                goal_text,
                "<p>目标{number}: 推进{topic}第{k}项任务，提高工作质量。</p> "
            );
        } else {
            let _ = write!(
                goal_text,
                "目标{number}: 推进{topic}第{k}项任务，提高工作质量。 "
            );
        }
    }
    let _ = writeln!(out, "年度总体目标{lead}{}\t\t\t", goal_text.trim_end());
    let heading = if g.chance(10) {
        "绩效 指 标"
    } else {
        "绩效指标"
    };
    let _ = writeln!(out, "{heading}\t一级指标\t二级指标\t三级指标\t指标值\t说明");
    // 产出: quantity.
    // Distinct names: a repeated 三级指标 is itself a finding (duplicate-name), injected separately.
    let first_name = g.rng.usize(..QUANTITY_NAMES.len());
    for k in 0..g.rng.usize(1..4) {
        let unit = g.pick(COUNT_UNITS);
        let quantity_name = QUANTITY_NAMES
            .get((first_name + k) % QUANTITY_NAMES.len())
            .copied()
            .unwrap_or("培训人数");
        let n = g.rng.u32(1..5000);
        let value = if violation == 4 && k == 0 {
            format!("≥{n}")
        } else {
            format!("≥{n}{unit}")
        };
        let levels = if k == 0 {
            "\t产出指标\t数量指标"
        } else {
            "\t\t"
        };
        let _ = writeln!(out, "{levels}\t{quantity_name}\t{value}\t");
    }
    // 产出: quality.
    let quality = if violation == 5 {
        "≤95%".to_owned()
    } else if g.chance(50) {
        "=100%".to_owned()
    } else {
        format!("≥{}%", g.rng.u32(85..100))
    };
    let _ = writeln!(out, "\t\t质量指标\t{}\t{quality}\t", g.pick(QUALITY_NAMES));
    // 产出: timeliness; a page break sometimes falls here.
    let date = if violation == 6 {
        "2026年3月31日前"
    } else if g.chance(30) {
        "2025年12月31日"
    } else {
        "2025年12月31日前"
    };
    let _ = writeln!(out, "\t\t时效指标\t{}\t{date}\t", g.pick(TIMELINESS_NAMES));
    if g.chance(5) {
        let _ = writeln!(out, "- {index} -");
    }
    // 成本: money within the total (or not), in 元 or 万元; the older layout puts it under 产出.
    let cost = if violation == 7 {
        total + 20_000
    } else {
        total - total / 10
    };
    let cost_text = if cost % 10_000 == 0 && g.chance(60) {
        format!("≤{}万元", cost / 10_000)
    } else {
        format!("≤{cost}元")
    };
    if g.chance(40) {
        let _ = writeln!(out, "\t\t成本指标\t项目或定额成本控制率\t=100%\t");
        let _ = writeln!(out, "\t项目实施成本\t\t{cost_text}\t按实际需求测算");
    } else {
        let _ = writeln!(out, "\t成本指标\t经济成本指标\t项目实施成本\t{cost_text}\t");
    }
    // 效益.
    let cut = if g.chance(15) {
        "社会效益指"
    } else {
        "社会效益指标"
    };
    let benefit = if g.chance(40) {
        format!("≥{}%", g.rng.u32(60..100))
    } else {
        g.pick(QUALITATIVE).to_owned()
    };
    let benefit_name = g.pick(BENEFIT_NAMES);
    let _ = writeln!(
        out,
        "\t效益指标\t{cut}\t{}\t{benefit}\t",
        g.mangle(benefit_name)
    );
    // 满意度: sometimes written from column 0, sometimes as LaTeX.
    let satisfaction = if violation == 8 {
        80
    } else {
        g.rng.u32(90..99)
    };
    let value = if g.chance(3) {
        format!("$\\geq {satisfaction}\\%$")
    } else {
        format!("≥{satisfaction}%")
    };
    let first_satisfaction = g.rng.usize(..SATISFACTION_NAMES.len());
    let satisfaction_name = |k: usize| {
        SATISFACTION_NAMES
            .get((first_satisfaction + k) % SATISFACTION_NAMES.len())
            .copied()
            .unwrap_or("群众满意度")
    };
    let _ = writeln!(
        out,
        "满意度指标\t满意度指标\t{}\t{value}\t\t",
        satisfaction_name(0)
    );
    if g.chance(30) {
        let _ = writeln!(
            out,
            "{}\t\t\t≥{}%\t\t",
            satisfaction_name(1),
            g.rng.u32(90..99)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_readable() {
        let a = generate_forms(200, CorpusOptions::default());
        let b = generate_forms(200, CorpusOptions::default());
        assert_eq!(a, b);
        let input = crate::read::Input::from_bytes("corpus.txt", a.as_bytes());
        assert_eq!(input.document.projects.len(), 200);
        let errors: Vec<_> = input
            .diagnostics
            .iter()
            .filter(|d| !d.code.starts_with("value::"))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(generate_bytes(100_000, CorpusOptions::default()).len() >= 100_000);
    }
}
