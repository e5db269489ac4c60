"""Scripts without spaces and right-to-left scripts: the script-aware
features (cleaner/script.py), the labels they lead to, and language
detection with its fallbacks."""

from __future__ import annotations

import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.blocks import Block, Label
from cleaner.classify import GOOD_MIN_STOP, NEAR_MIN_STOP, classify, punctuation_proxy
from cleaner.script import (
    dominant_script, ends_sentence, has_clause_mark, has_sentence_mark, measure, phrase_prose,
    script_language, script_share, stop_ratio, tokens,
)

# A 60-character Chinese paragraph: two sentences of ordinary news prose.
ZH_60 = "杭州地铁三期工程昨天上午全线开通运营。市民从城西到钱塘区的通勤时间缩短了近半个小时，不少上班族都表示生活节奏有明显改善。"
ZH_PROSE = (
    "据杭州地铁集团介绍，三期工程共包括七条线路，总长度约一百六十公里，设站九十余座。"
    "建设过程中，施工方克服了软土地基、地下水位高等多项技术难题，并在多个区段采用了国内领先的盾构工艺。"
    "交通专家指出，轨道交通的完善将进一步带动沿线土地开发和商业布局。与此同时，城市也需要加强公交接驳。"
)
JA_PROSE = (
    "東京都は十日、新しい条例を発表した。市民の生活に大きな影響があると見られている。"
    "関係者によると、来年の四月から施行される予定で、事業者には準備期間が与えられる。"
    "都の担当者は、説明会を各地で開き、理解を求めていく考えを示した。"
)
KO_PROSE = (
    "서울시는 오늘 새로운 대중교통 정책을 발표했다. 시민들의 출퇴근 시간이 크게 줄어들 것으로 기대된다. "
    "관계자에 따르면 내년부터 단계적으로 시행될 예정이며, 버스 노선도 함께 조정된다. "
    "시는 다음 달까지 시민 의견을 듣고 최종 계획을 확정할 방침이다."
)
HE_PROSE = (
    "ראש העירייה הודיע היום על תוכנית חדשה לשיפור התחבורה הציבורית בעיר. "
    "לדבריו, הקווים החדשים יפעלו כבר בשנה הבאה ויקצרו את זמני הנסיעה של התושבים. "
    "התוכנית כוללת גם נתיבי אופניים חדשים ותחנות רכבת קלה נוספות במרכז העיר."
)
AR_PROSE = (
    "قال المتحدث باسم وزارة الكهرباء في تصريحات صحفية إن الحمل الأقصى وصل إلى نحو ثمانية وثلاثين ألف "
    "ميغاواط في ساعات الذروة، مؤكداً أن الشبكة تعاملت مع الزيادة دون انقطاعات واسعة، وأن الفرق الفنية "
    "في حالة استنفار في جميع المحافظات التي شهدت ارتفاعاً كبيراً في درجات الحرارة خلال الأسبوع الماضي."
)
FA_PROSE = (
    "شهرداری تهران امروز اعلام کرد که خط جدید مترو از ماه آینده به بهره برداری می رسد. به گفته مسئولان، "
    "این خط زمان سفر شهروندان را کاهش خواهد داد و ترافیک را کم می کند. ساخت این خط حدود هفت سال طول کشید."
)
RU_PROSE = (
    "Городская дума на заседании во вторник одобрила программу развития трамвайной сети до 2030 года. "
    "Документ предусматривает строительство трёх новых линий, а также обновление подвижного состава, "
    "и, по словам чиновников, первой начнут строить линию в район, где за последние годы выросли кварталы."
)
TH_PROSE = (
    "นายกรัฐมนตรีเดินทางไปเยือนจังหวัดเชียงใหม่เมื่อวันจันทร์ เพื่อติดตามสถานการณ์น้ำท่วมในพื้นที่ "
    "และมอบสิ่งของให้กับประชาชนที่ได้รับผลกระทบจากพายุ โดยรัฐบาลจะเร่งฟื้นฟูถนนและสะพานที่เสียหาย"
)
EN_PROSE = "The council met on Tuesday and agreed the budget for next year after a long debate about schools. "


# --- measure: words and length where words are not separated ---------------------

def test_ascii_measure_is_the_plain_word_count():
    m = measure("Don't stop: the 3 councils met.")
    assert m.tokens == ["don", "t", "stop", "the", "3", "councils", "met"]
    assert (m.words, m.length) == (7, 31)


def test_ascii_words_are_those_of_the_plain_findall():
    # `measure` cuts ASCII text with a byte table (script._ASCII_WORD_BYTES)
    # in place of the findall that defines its words: every ASCII character,
    # alone and between letters, and arbitrary ASCII text.
    from cleaner.script import _ASCII_WORD

    for c in map(chr, range(128)):
        for text in (c, f"a{c}b", f"{c}A{c}", c * 3):
            assert measure(text).tokens == _ASCII_WORD.findall(text.lower()), repr(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_measure_matches_the_plain_findall_on_any_text(text):
    from cleaner.script import _ASCII_WORD

    tokens = _ASCII_WORD.findall(text.lower())
    assert measure(text) == (tokens, len(tokens), len(text))


def test_spaced_non_latin_scripts_count_words_and_characters_as_they_are():
    for text in (RU_PROSE, HE_PROSE, "Ο Πρωθυπουργός ανακοίνωσε νέα μέτρα."):
        m = measure(text)
        assert m.length == len(text)
        assert m.words == len(text.split()), text[:20]


def test_a_60_character_chinese_paragraph_is_long_prose():
    assert len(ZH_60) == 60
    m = measure(ZH_60)
    assert m.words >= 25  # not one "word"
    assert m.length >= 150  # as long as 150 Latin characters
    block = Block(0, len(ZH_60), ZH_60, 0)
    zh = cleaner.default_cleaner()
    classify([block], zh._rules_for("zh"), zh._stopwords("zh"), [])
    assert block.label is Label.GOOD
    assert block.length == m.length


def test_chinese_prose_without_a_pack_is_prose_by_its_punctuation():
    # No stopwords (a language without a pack): 。 and ， carry the label.
    block = Block(0, len(ZH_60), ZH_60, 0)
    classify([block], cleaner.Cleaner(builtin=False)._rules_for(None), frozenset(), [])
    assert block.label is Label.GOOD


def test_japanese_kana_weigh_less_than_kanji():
    m = measure("ひらがなカタカナ")  # 8 kana
    assert m.length == 16 and m.words == 4
    assert measure("漢字漢字").length == 12


def test_thai_words_are_estimated_from_characters():
    m = measure("ภาษาไทยไม่มีช่องว่างระหว่างคำ")  # 29 characters, one run, about six words
    assert m.words == 6
    assert m.length == 29  # Thai letters weigh what Latin ones do


def test_mixed_block_counts_each_part_on_its_own_scale():
    m = measure("Apple发布了新款iPhone手机")
    # 2 Latin words; 7 Chinese characters, about 3.5 words.
    assert m.words == 2 + round(7 / 2)
    assert m.length == len("Apple发布了新款iPhone手机") + 2 * 7


def test_arabic_article_is_split_off_like_the():
    assert tokens("وقال المتحدث باسم الوزارة للصحفيين") == ["وقال", "ال", "متحدث", "باسم", "ال", "وزارة", "لل", "صحفيين"]
    # Relative pronouns are stopwords whole; a short stem is no article.
    assert tokens("التي الذي الذين والد") == ["التي", "الذي", "الذين", "والد"]


def test_stop_ratio_counts_chinese_function_characters_per_word():
    m = measure("杭州的地铁开通了。")
    assert stop_ratio(2, m) == pytest.approx(0.5)  # 2 stopwords in 4 words, not 2 of 8 characters
    assert stop_ratio(3, measure("the cat sat")) == 1.0
    assert stop_ratio(0, measure("")) == 0.0


def test_measure_is_fast_on_long_chinese_input():
    blocks = [ZH_PROSE] * 2000  # about 200 000 characters
    start = time.perf_counter()
    for text in blocks:
        measure(text)
    assert time.perf_counter() - start < 2.0


# --- punctuation ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "他说：“我们会继续努力。”", "这是真的吗？", "太好了！", "「今日は晴れです。」", "東京は雨｡",
    "هل ينجح الاتفاق؟", "یہ ایک جملہ ہے۔", "यह एक वाक्य है।", "ဒါဟာ စာကြောင်းပါ။", "នេះជាប្រយោគ។",
    "Он ушёл. «Навсегда».",
])
def test_sentence_ends_of_every_script(text):
    assert ends_sentence(text)


@pytest.mark.parametrize("text", ["相关阅读", "Read More »", "اقرأ أيضاً", "3.5", "分享到：微信"])
def test_not_sentence_ends(text):
    assert not ends_sentence(text)


def test_sentence_and_clause_marks_inside_a_block():
    assert has_sentence_mark("大雨持续。明天转晴")
    assert has_sentence_mark("ارتفعت الأسعار؟ نعم")
    assert not has_sentence_mark("Version 3.5 released")
    assert has_clause_mark("首页、新闻") and has_clause_mark("قال الوزير، إن") and has_clause_mark("؛")
    assert not has_clause_mark("Home News")


def test_punctuation_proxy_knows_devanagari_and_arabic():
    assert punctuation_proxy("सरकार ने आज घोषणा की। अधिकारियों ने कहा", False) == GOOD_MIN_STOP
    assert punctuation_proxy("قال الوزير، إن الحكومة", False) == NEAR_MIN_STOP
    assert punctuation_proxy("الرئيسية أخبار رياضة", False) == 0.0


def test_thai_phrases_tell_prose_from_menus():
    assert phrase_prose(TH_PROSE)
    assert not phrase_prose("หน้าแรก ข่าว กีฬา บันเทิง เศรษฐกิจ")
    assert not phrase_prose(EN_PROSE)
    assert punctuation_proxy(TH_PROSE, False) == GOOD_MIN_STOP


# --- scripts and languages ------------------------------------------------------------------

def test_script_language_guesses():
    assert script_language(ZH_PROSE) == "zh"
    assert script_language(JA_PROSE) == "ja"
    assert script_language(KO_PROSE) == "ko"
    assert script_language(HE_PROSE) == "he"
    assert script_language(TH_PROSE) == "th"
    # Scripts shared by many languages, short text, mixed scripts: no guess.
    assert script_language(RU_PROSE) is None
    assert script_language(AR_PROSE) is None
    assert script_language("东京") is None
    assert script_language(EN_PROSE * 2 + "Ο Πρωθυπουργός ανακοίνωσε νέα μέτρα για τη στήριξη.") is None


def test_dominant_script_and_share():
    assert dominant_script("的 了 是 在") == "Han"
    assert dominant_script("في من على") == "Arabic"
    assert dominant_script("123 !!") is None
    assert script_share(ZH_PROSE, "Han") > 0.95
    assert script_share(EN_PROSE, "Han") == 0.0


@pytest.mark.parametrize("text, expected", [
    (ZH_PROSE, "zh"), (AR_PROSE, "ar"), (RU_PROSE, "ru"), (JA_PROSE, "ja"), (KO_PROSE * 2, "ko"),
    (HE_PROSE, "he"), (TH_PROSE * 2, "th"), (EN_PROSE * 3, "en"),
    # Persian and Urdu share the Arabic script but are not Arabic, and have no pack.
    (FA_PROSE, None),
    # Short: a headline's worth of characters.
    (ZH_PROSE[:30], None), ("مرحبا بكم", None),
    # Mixed: as much English as Chinese.
    (EN_PROSE * 3 + ZH_PROSE[:60], None),
])
def test_detect_language(text, expected):
    assert cleaner.default_cleaner().detect_language(text) == expected


def test_japanese_is_not_taken_for_chinese():
    # Kanji carry some of the zh pack's function characters (中, 上, 一); kana decide.
    assert cleaner.default_cleaner().detect_language(JA_PROSE * 3) == "ja"


def test_result_language_reports_detection_and_override():
    source = "杭州地铁三期工程全线开通\n\n" + ZH_PROSE + "\n\n" + ZH_60
    assert cleaner.clean(source).language == "zh"
    assert cleaner.clean(source, language="ja").language == "ja"
    assert cleaner.clean(JA_PROSE).language == "ja"


def test_chinese_article_with_zh_furniture():
    source = (
        "首页 | 新闻 | 国内 | 国际\n杭州地铁三期工程全线开通\n2024-06-18 09:32 来源：钱江晚报\n\n"
        f"{ZH_PROSE}\n\n相关阅读：浙江多地地铁票价迎来调整\n\n{ZH_60}\n\n责任编辑：张华\n相关新闻\n宁波地铁5号线开工"
    )
    r = cleaner.clean(source)
    assert r.title is not None and r.title.text == "杭州地铁三期工程全线开通"
    assert ZH_PROSE in r.text and ZH_60 in r.text
    got = {x.text: (x.category.value, x.rule) for x in r.removed}
    assert got["相关阅读：浙江多地地铁票价迎来调整"] == ("related", "zh.related.teaser-line")
    assert got["2024-06-18 09:32 来源：钱江晚报"][0] == "byline"
    assert got["宁波地铁5号线开工"][0] == "related"
    # Scored on Latin-equivalent length: about 0.25 if 220 characters counted as 220.
    assert r.confidence >= 0.5


def test_rtl_text_offsets_are_exact():
    source = "الرئيسية\nأخبار\n\n" + AR_PROSE + "\n\nاقرأ أيضاً: الحكومة تقر الموازنة\n\n" + AR_PROSE + "\n\nجميع الحقوق محفوظة"
    r = cleaner.clean(source)
    assert r.language == "ar"
    for piece in list(r.segments) + list(r.removed):
        assert source[piece.start:piece.end] == piece.text
    assert [x.rule for x in r.removed if x.text.startswith("اقرأ")] == ["ar.related.teaser-line"]


def test_chinese_stopwords_are_single_characters():
    # Chinese is tokenised character by character: a two-character stopword
    # (我们) would never match, and would silently do nothing.
    zh = cleaner.default_cleaner()._languages["zh"]
    assert zh.stopwords and all(len(w) == 1 for w in zh.stopwords), sorted(w for w in zh.stopwords if len(w) != 1)


def test_arabic_pack_counts_the_split_article():
    ar = cleaner.default_cleaner()._languages["ar"]
    assert {"ال", "وال", "بال", "لل"} <= ar.stopwords
    prose = measure(AR_PROSE)
    share = stop_ratio(sum(t in ar.stopwords for t in prose.tokens), prose)
    assert share >= GOOD_MIN_STOP  # Arabic news prose reads as prose


# --- a language without a pack: the layout stands in for phrase rules ---------

_JA_PROSE = [
    "先日、市議会は老朽化した鉄道橋を自転車と歩行者のために再開することを賛成多数で決めました。",
    "技術者の調査によると、橋の床板は健全でしたが、手すりと照明は交換が必要だということです。",
    "工事費はおよそ一億二千万円で、その大部分は昨年春に市が獲得した県の補助金でまかなわれます。",
    "川の両岸に住む人々は、迂回路で通学に二十分余計にかかるとして、長年再開を求めてきました。",
]
_JA_MENU = ["ホーム", "ニュース", "スポーツ", "天気", "お問い合わせ", "サイトマップ", "採用情報", "会社概要"]


def test_japanese_page_text_loses_its_menus_without_a_pack():
    page = "\n".join(_JA_MENU) + "\n\n" + "\n\n".join(_JA_PROSE) + "\n\n" + "\n".join(_JA_MENU[:4])
    result = cleaner.clean(page)
    assert result.language == "ja"
    assert all(p in result.text for p in _JA_PROSE)
    assert not any(m in result.text for m in _JA_MENU), result.text


def test_clean_japanese_article_stays_whole_without_a_pack():
    article = "\n\n".join(_JA_PROSE)
    result = cleaner.clean(article)
    assert result.language == "ja"
    assert not result.removed and result.title is None


def test_special_characters_are_all_caught_by_their_prefilter():
    # measure() only looks for Arabic and unspaced scripts from the first
    # character that _MAYBE_SPECIAL finds.
    from cleaner.script import _MAYBE_SPECIAL, _SPECIAL

    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    assert [c for c in _SPECIAL.findall(everything) if not _MAYBE_SPECIAL.match(c)] == []
