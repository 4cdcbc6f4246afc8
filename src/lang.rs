//! The language of the words written for people: reports, evaluation explanations and gap lists, audit
//! messages. The stored tables hold Chinese (the offices' language); an English report words them anew.

/// The language of the words countyedu writes for people (reports, and the explanations and messages built
/// with them); stored tables hold the Chinese words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn t<'s>(self, zh: &'s str, en: &'s str) -> &'s str {
        if self == Lang::Zh { zh } else { en }
    }

    pub fn code(self) -> &'static str {
        if self == Lang::Zh { "zh" } else { "en" }
    }

    /// The separator of a list of names: 、 or a comma.
    pub fn list(self) -> &'static str {
        self.t("、", ", ")
    }

    /// `text` in brackets after what it explains: （text） or " (text)".
    pub fn aside(self, text: &str) -> String {
        if self == Lang::Zh { format!("（{text}）") } else { format!(" ({text})") }
    }

    /// What a missing figure says.
    pub fn missing(self) -> &'static str {
        self.t("待填报", "not reported")
    }

    /// A grade or verdict word (the schemes' and the engine's Chinese words) in this language: in English the
    /// words countyedu ships are translated, a scheme's own word is kept as written.
    pub fn word(self, zh: &str) -> String {
        if self == Lang::Zh {
            return zh.to_string();
        }
        match zh {
            "优秀" => "excellent",
            "良好" => "good",
            "合格" => "pass",
            "不合格" => "fail",
            "达到" => "met",
            "未达到" => "not met",
            "基本达到" => "largely met",
            "待补报" => "pending (data to be reported)",
            "待填报" => "not reported",
            "无数据" => "no data",
            "无结论" => "no verdict",
            "强制" => "impossible",
            "提示" => "to check",
            "是" => "yes",
            "否" => "no",
            "城区" => "urban",
            "镇区" => "town",
            "乡村" => "rural",
            "小学" => "primary",
            "初中" => "junior",
            "小学、初中" => "primary, junior",
            "教学点" => "teaching point",
            "随机抽取" => "drawn at random",
            other => {
                // The on-site sample's "drawn to cover a kind of school": 随机抽取（覆盖乡村）.
                if let Some(kind) = other.strip_prefix("随机抽取（覆盖").and_then(|k| k.strip_suffix('）')) {
                    return format!("drawn at random (to cover {})", self.word(kind));
                }
                return other.to_string();
            }
        }
        .to_string()
    }
}
