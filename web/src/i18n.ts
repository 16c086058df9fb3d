import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { LANGUAGES, MESSAGES, type Language, type Messages } from './messages';

const KEY = 'ill.language';

export const storedLanguage = (): Language => {
  const kept = localStorage.getItem(KEY);
  return LANGUAGES.find((language) => language === kept) ?? 'zh';
};

export const keepLanguage = (language: Language) => localStorage.setItem(KEY, language);

export const LanguageContext = createContext<{ language: Language; setLanguage(language: Language): void }>({ language: 'zh', setLanguage: () => undefined });

/** The signed-in page's words, and times as readers in China read them. */
export function useMessages(): { t: Messages; language: Language; time(instant: string | undefined): string } {
  const { language } = useContext(LanguageContext);
  const format = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' });
  return { t: MESSAGES[language], language, time: (instant) => (instant ? format.format(new Date(instant)) : '') };
}
