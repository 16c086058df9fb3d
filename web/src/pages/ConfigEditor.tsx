// The editor of one configuration file: CodeMirror with YAML highlighting, completion and hover
// from the file's JSON Schema, and the problems the API found shown at their lines. Loaded only
// when an administrator opens the configuration, so no other page carries CodeMirror.
import { useEffect, useRef } from 'preact/hooks';
import { basicSetup, EditorView } from 'codemirror';
import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { hoverTooltip } from '@codemirror/view';
import { EditorSelection } from '@codemirror/state';
import { stateExtensions } from 'codemirror-json-schema';
import { yamlSchemaHover } from 'codemirror-json-schema/yaml';
import { bundled, schemaCompletion } from '../config-schemas';

/** A problem or warning as the API locates it. */
export interface Located {
  file: string;
  line: number;
  column: number;
  message: string;
}

function diagnosticsOf(view: EditorView, located: readonly Located[], severity: 'error' | 'warning'): Diagnostic[] {
  const { doc } = view.state;
  return located.map(({ line, column, message }) => {
    const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
    const from = Math.min(at.from + Math.max(column - 1, 0), at.to);
    return { from, to: at.to, severity, message };
  });
}

export interface ConfigEditorProps {
  /** The file's path, for the editor's accessible name. */
  label: string;
  schema: string;
  text: string;
  problems: readonly Located[];
  warnings: readonly Located[];
  /** A line to put the cursor on, each time a new object is given. */
  jump?: { line: number };
  onChange(text: string): void;
}

export default function ConfigEditor({ label, schema, text, problems, warnings, jump, onChange }: ConfigEditorProps) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const found = bundled(schema);
    view.current = new EditorView({
      parent: parent.current!,
      doc: text,
      extensions: [
        // Without indentWithTab: Tab leaves the editor as it leaves any field, and Ctrl-] / Ctrl-[ indent.
        basicSetup,
        yaml(),
        lintGutter(),
        // Long descriptions wrap, so the problems list and the editor never scroll sideways apart.
        EditorView.lineWrapping,
        ...(found ? [yamlLanguage.data.of({ autocomplete: schemaCompletion(found) }), hoverTooltip(yamlSchemaHover()), stateExtensions(found)] : []),
        // A tab stop said outright: what is editable is reached by the keyboard, and so is the region that scrolls it.
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': 'editor-hint', tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current(update.state.doc.toString());
        }),
      ],
    });
    return () => view.current?.destroy();
    // The editor is made once per file: its parent gives it a key of the file's path.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, [...diagnosticsOf(editor, problems, 'error'), ...diagnosticsOf(editor, warnings, 'warning')]));
  }, [problems, warnings]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !jump) return;
    const line = editor.state.doc.line(Math.min(Math.max(jump.line, 1), editor.state.doc.lines));
    editor.dispatch({ selection: EditorSelection.cursor(line.from), effects: EditorView.scrollIntoView(line.from, { y: 'center' }) });
    editor.focus();
  }, [jump]);

  return <div class="editor" ref={parent} />;
}
