// The subject vocabulary routing rules speak of, and the mapping (subjects.yaml) from what readers
// and discovery systems send: free text in Chinese or English, Chinese Library Classification
// (中图法) codes, or only the journal's ISSN. Requests are mapped before any rule is evaluated, so
// a rule written for `science` fires for a physics article however its subject was written.

import { duplicateProblems, type Named } from './check';
import { pointerOf, type LocatedText } from './located';
import { didYouMean } from './suggest';
import type { Problem, SubjectMapping } from './types';
import type { Citation } from '../domain/request';

export interface SubjectIndex {
  terms: ReadonlySet<string>;
  /** Subject words by their matching key (see `subjectKey`). */
  words: ReadonlyMap<string, string>;
  /** Class prefixes, longest first, so the most specific class decides. */
  classes: readonly (readonly [string, string])[];
  journals: ReadonlyMap<string, string>;
}

/**
 * Traditional characters of the shipped words, read as their simplified forms. A table rather
 * than a converter: only characters of subject words need it, and a word an administrator adds
 * with other characters can be listed in both forms.
 */
const SIMPLIFIED: Readonly<Record<string, string>> = {
  學: '学', 歷: '历', 醫: '医', 藥: '药', 衛: '卫', 農: '农', 業: '业', 經: '经', 濟: '济', 計: '计',
  機: '机', 電: '电', 腦: '脑', 藝: '艺', 術: '术', 會: '会', 數: '数', 態: '态', 質: '质', 環: '环',
  軟: '软', 體: '体', 資: '资', 據: '据', 圖: '图', 書: '书', 館: '馆', 報: '报', 聞: '闻', 傳: '传',
  戲: '戏', 劇: '剧', 設: '设', 樂: '乐', 畫: '画', 繪: '绘', 語: '语', 國: '国', 際: '际', 關: '关',
  係: '系', 貿: '贸', 護: '护', 臨: '临', 獸: '兽', 園: '园', 產: '产', 軍: '军', 統: '统', 類: '类',
  動: '动', 門: '门', 論: '论', 敎: '教', 華: '华', 與: '与', 價: '价', 療: '疗', 衆: '众',
  眾: '众', 氣: '气', 礎: '础', 應: '应', 種: '种', 殺: '杀', 車: '车', 輸: '输', 運: '运',
  禮: '礼', 織: '织', 紡: '纺', 說: '说', 詩: '诗', 詞: '词', 羅: '罗', 絡: '络', 網: '网', 訊: '讯',
  漁: '渔', 險: '险', 銀: '银', 財: '财', 務: '务', 稅: '税', 貨: '货', 內: '内',
  // Japanese forms (新字体) where they differ from both: records of Japanese material write 歴史学, 経済学.
  歴: '历', 経: '经', 済: '济', 薬: '药', 芸: '艺', 図: '图', 伝: '传', 楽: '乐', 絵: '绘', 獣: '兽',
  価: '价', 気: '气', 応: '应', 説: '说', 険: '险', 拠: '据', 児: '儿', 労: '劳', 働: '动',
  鉄: '铁', 鉱: '矿', 験: '验', 覚: '觉', 読: '读', 売: '卖', 営: '营', 総: '总', 囲: '围',
};

/** What two ways of writing one subject have in common: case, spacing, full-width forms and script aside. */
export function subjectKey(text: string): string {
  const plain = text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return Array.from(plain, (char) => SIMPLIFIED[char] ?? char).join('');
}

/** A CLC class number: one letter (two in class T), then digits and the notation's punctuation. */
const CLC = /^(?:T[A-Z]|[A-Z])[0-9.\-/:=()"<>]*$/;

export function indexSubjects(mapping: SubjectMapping): SubjectIndex {
  const words = new Map<string, string>();
  for (const [term, list] of Object.entries(mapping.words ?? {})) {
    for (const word of list) if (!words.has(subjectKey(word))) words.set(subjectKey(word), term);
  }
  return {
    terms: new Set(Object.keys(mapping.vocabulary)),
    words,
    classes: Object.entries(mapping.classes ?? {}).sort(([a], [b]) => b.length - a.length),
    journals: new Map(Object.entries(mapping.journals ?? {})),
  };
}

/** The vocabulary term `text` stands for, or undefined when the mapping does not say. */
export function classify(index: SubjectIndex, text: string): string | undefined {
  const key = subjectKey(text);
  if (index.terms.has(key)) return key;
  const word = index.words.get(key);
  if (word !== undefined) return word;
  const code = text.normalize('NFKC').trim();
  if (!CLC.test(code)) return undefined;
  return index.classes.find(([prefix]) => code.startsWith(prefix))?.[1];
}

export interface NormalisedSubjects {
  /** Vocabulary terms, each once; absent when the request gave no subject and its ISSN says none. */
  subjects?: string[];
  /** Subjects as the request wrote them that map to no term. */
  unmapped: string[];
}

/** What separates several subjects written in one field, as catalogues export them: `TP391.41;TP18`, `经济学，管理学`. */
const SEPARATORS = /[;,、；，]+/;

/**
 * The terms one written subject stands for: itself, or else each of the subjects a catalogue
 * exported into one field; empty when no part maps to a term.
 */
function termsOf(index: SubjectIndex, subject: string): string[] {
  const term = classify(index, subject);
  if (term !== undefined) return [term];
  const parts = subject.split(SEPARATORS).filter((part) => part.trim() !== '');
  return parts.length > 1 ? parts.flatMap((part) => classify(index, part) ?? []) : [];
}

export function normaliseSubjects(index: SubjectIndex, citation: Citation): NormalisedSubjects {
  const terms = new Set<string>();
  const unmapped: string[] = [];
  for (const subject of citation.subjects ?? []) {
    const found = termsOf(index, subject);
    if (found.length === 0) unmapped.push(subject);
    else for (const term of found) terms.add(term);
  }
  const journal = citation.issn === undefined ? undefined : index.journals.get(citation.issn);
  if (journal !== undefined) terms.add(journal);
  return { subjects: citation.subjects === undefined && terms.size === 0 ? undefined : [...terms], unmapped };
}

/** Why a rule or a supplier's coverage cannot name `value`: only vocabulary terms ever reach them. */
export function termProblem(index: SubjectIndex, value: string): string | undefined {
  if (index.terms.has(value)) return undefined;
  const term = classify(index, value);
  if (term !== undefined) return `'${value}' is not a subject of the vocabulary: requests' subjects are mapped to '${term}' before rules see them, so write '${term}'`;
  return `unknown subject '${value}'${didYouMean(value, index.terms) || ` (expected one of: ${[...index.terms].join(', ')})`}`;
}

/** Why a request's subject would reach no rule: it is neither a term nor mapped to one. */
export function requestSubjectProblem(index: SubjectIndex, value: string): string | undefined {
  if (termsOf(index, value).length > 0) return undefined;
  const hint = didYouMean(value, [...index.terms, ...index.words.keys()]);
  return `subject '${value}' is not in the vocabulary and subjects.yaml maps it to none${hint}`;
}

/** Problems of values that must be vocabulary terms, each pointing at the value. */
export function termProblems(doc: LocatedText, pointer: string, values: readonly string[] | undefined, index: SubjectIndex): Problem[] {
  return (values ?? []).flatMap((value, position) => {
    const message = termProblem(index, value);
    return message === undefined ? [] : [doc.problem(`${pointer}/${position}`, message)];
  });
}

/** Mappings onto terms the vocabulary lacks, and words listed twice or standing for two terms. */
export function mappingProblems(doc: LocatedText, mapping: SubjectMapping): Problem[] {
  const terms = new Set(Object.keys(mapping.vocabulary));
  const unknown = (pointer: string, term: string, part?: 'key') =>
    terms.has(term) ? [] : [doc.problem(pointer, `unknown subject '${term}'${didYouMean(term, terms) || ` (expected one of: ${[...terms].join(', ')})`}`, part)];
  const problems = [
    ...Object.entries(mapping.classes ?? {}).flatMap(([code, term]) => unknown(pointerOf('classes', code), term)),
    ...Object.entries(mapping.journals ?? {}).flatMap(([issn, term]) => unknown(pointerOf('journals', issn), term)),
  ];
  const named: Named[] = [];
  for (const [term, words] of Object.entries(mapping.words ?? {})) {
    problems.push(...unknown(pointerOf('words', term), term, 'key'));
    words.forEach((word, position) => {
      const pointer = pointerOf('words', term, position);
      const key = subjectKey(word);
      if (terms.has(key) && key !== term) problems.push(doc.problem(pointer, `'${word}' is itself the subject '${key}' and cannot stand for '${term}'`));
      named.push({ name: key, doc, pointer });
    });
  }
  return [...problems, ...duplicateProblems(named, 'subject word')];
}
