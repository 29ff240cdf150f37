"""Position-preserving normalisation: every character maps to exactly one character, so an
offset in the normalised text is an offset in the text as read.

Full-width digits, letters and ASCII-like punctuation become half-width (NFKC, where it yields a
single character); the Chinese clause marks ，。；：、 are kept, they separate clauses. Traditional
characters seen in mirrored copies of disclosures become simplified ones (a curated table of the
characters of this domain, not a general converter).
"""

from __future__ import annotations

import functools
import unicodedata

_KEEP = frozenset("，。；：、？！“”‘’")

# pairs: traditional, simplified
_T2S_PAIRS = (
    "說说決决總总計计萬万與与較较費费經经務务預预異异億亿車车輛辆個个團团組组項项類类門门"
    "財财撥拨國国資资產产營营結结餘余轉转額额佔占長长減减據据報报業业單单補补貼贴無无為为"
    "於于從从機机關关運运採采購购貨货數数質质時时達达標标滿满績绩評评價价執执實实際际設设"
    "備备開开內内雜杂過过險险獎奖勵励構构專专處处辦办廳厅職职員员離离隊队當当發发現现問问"
    "題题區区縣县鄉乡鎮镇學学醫医療疗衛卫環环農农係系況况續续會会議议訓训練练黨党們们兩两"
    "讓让應应調调護护維维償偿庫库儲储糧粮權权災灾歸归屬属給给繳缴級级養养臨临對对納纳稅税"
    "劃划錄录圖图書书紙纸傳传郵邮電电話话氣气賃赁託托裝装勞劳網网絡络軟软體体陳陈遺遗撫抚"
    "濟济優优錢钱術术軍军導导參参顯显將将並并徑径釋释詞词變变屆届歷历壓压縮缩節节約约嚴严"
    "規规範范確确慮虑狀状證证認认識识幣币臺台灣湾線线構构廠厂產产辭辞權权輸输簡简稱称億亿"
    "齊齐攤摊銷销記记錄录倉仓徵征營营彙汇匯汇舉举辦办釐厘準准遞递眾众義义紀纪細细鐵铁領领"
    "爲为衆众選选蓋盖號号碼码噸吨"
)
_T2S = {_T2S_PAIRS[i]: _T2S_PAIRS[i + 1] for i in range(0, len(_T2S_PAIRS) - 1, 2)}


@functools.lru_cache(maxsize=4096)
def norm_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    if ch in _T2S:
        return _T2S[ch]
    if ch == "\u3000":
        return " "
    if ch in "−－—":  # minus signs written as dashes
        return "-"
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def normalise(text: str) -> str:
    """The same length as `text`: position i of the result is position i of the input."""
    return "".join(norm_char(c) for c in text)
