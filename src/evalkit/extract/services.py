"""Service and supervision figures in sentences (业务数据): what the bureau did in the year.

'累计备案人数4279人', '救助金额总计35.8万元', '检查定点药店149家', '行政罚款2.66万元',
'线上办理5000余件': head counts, visits (人次), institutions (家), cases (件) and money that measure
the work of a medical security bureau rather than its budget or its funds. A figure is one
when no other table took it and the paragraph names a service topic before it
(``vocab/service_topics.csv``: words of 异地就医, 医疗救助, 基金监管, 集中采购, 待遇保障, 经办服务 and
定点管理, each topic with a priority): of the topics named in the figure's sentence or in the
line's own heading ('1.普法宣传，激发基金监管“驱动力”。'), the one of highest priority wins; the
section heading decides when neither names one. The sentence reader
(:mod:`evalkit.extract.narrative`) decides which figures are candidates; this module names their
topic and their words.
"""

from __future__ import annotations

import functools
import re

from evalkit import vocab
from evalkit.schema import SCHEMAS

__all__ = ["SERVICE_COLUMNS", "service_measure", "service_topic", "topic_within", "topic_words"]

SERVICE_COLUMNS = SCHEMAS["services"]

# words before a measure that only say when or how much: '截至2022年底已累计受理各类业务'
_LEADING = vocab.words_pattern(
    r"^(?:(?:截至|截止)(?:目前|\d{4}年(?:底|末|\d{1,2}月(?:底|末)?)?|[一二三四]?季度(?:末)?)?"
    r"|<<measure_lead>>|共(?!济|享|建|同|有)|“[^”]{1,8}”)+"
)
_TRAILING = vocab.words_pattern(r"(?:<<copula>>|<<quantity_adverb>>)+$")
# who did it and by what means, before the verb: '全区定点医药机构及街道社区共发放…',
# '…线索办理等手段检查定点药店', '微信公众号等主动曝光…'
_SUBJECT = vocab.words_pattern(r"^.+?(?:共(?=[发办检受审追处救补报结备开查拨举组])|累计|等<<means_word>>|等(?=主动|积极))"
                             r"(?=[\u4e00-\u9fff]{2})")
_ADVERB = vocab.words_pattern(r"^<<manner_adverb>>")


@functools.cache
def _topics() -> tuple[re.Pattern[str], dict[str, tuple[int, str]]]:
    rows = vocab.load("service_topics")
    return vocab.alternation("service_topics"), {r["word"]: (int(r["priority"]), r["topic"]) for r in rows}


def service_topic(text: str) -> str | None:
    """The service topic a text names: of the topic words in it, the one of highest priority.

    Examples
    --------
    >>> service_topic("落实医疗救助门诊、住院待遇政策，其中涉及门诊待遇")
    '医疗救助'
    >>> service_topic("3.手段创新，筑牢基金监管“防护线”。…检查定点药店")
    '基金监管'
    >>> service_topic("参保覆盖面持续扩大") is None
    True
    """
    return topic_within(topic_words(text), (0, len(text)))


@functools.lru_cache(maxsize=1024)  # a line's figures ask one after another
def topic_words(text: str) -> tuple[tuple[int, int, int, str], ...]:
    """Where a text names service topics: (start, end, priority, topic) of each topic word.

    Examples
    --------
    >>> topic_words("开展专项检查，追回资金")
    ((2, 6, 2, '基金监管'), (7, 9, 2, '基金监管'))
    """
    pattern, topic_of = _topics()
    # (a list made in place, then frozen: cheaper than a tuple over a generator, for a paragraph
    # that names a dozen topic words)
    return tuple([(m.start(), m.end(), *topic_of[m.group(0)]) for m in pattern.finditer(text)])


def topic_within(words: tuple[tuple[int, int, int, str], ...], *spans: tuple[int, int]) -> str | None:
    """The topic of highest priority among the topic words that lie inside one of the spans.

    Examples
    --------
    >>> words = topic_words("1.加强基金监管。全区定点医药机构共发放宣传资料")
    >>> topic_within(words, (9, 25)), topic_within(words, (0, 9), (9, 25))
    ('定点管理', '基金监管')
    """
    best_priority, best = None, None
    for start, end, priority, topic in words:
        if best_priority is not None and priority >= best_priority:
            continue  # (the first word of the best priority wins: no need to place this one)
        for lo, hi in spans:
            if lo <= start and end <= hi:
                best_priority, best = priority, topic
                break
    return best


@functools.lru_cache(maxsize=4096)  # labels repeat within and across reports
def service_measure(window: str) -> str:
    """The words that name a figure, without the words of time and amount around them.

    Examples
    --------
    >>> service_measure("累计备案人数"), service_measure("补助金额总计")
    ('备案人数', '补助金额')
    >>> service_measure("截至2022年底已进行线上办理")
    '进行线上办理'
    >>> service_measure("“一窗通办”已累计受理各类业务")
    '受理各类业务'
    >>> service_measure("全区定点医药机构及街道社区共发放并张贴宣传海报"), service_measure("线索办理等手段检查定点药店")
    ('发放并张贴宣传海报', '检查定点药店')
    >>> service_measure("门诊共济报销"), service_measure("现场检查")
    ('门诊共济报销', '现场检查')
    """
    words = "".join(window.split())
    words = _TRAILING.sub("", _LEADING.sub("", words))
    words = _ADVERB.sub("", _SUBJECT.sub("", words))
    return words
