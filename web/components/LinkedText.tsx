// Text as written (line breaks kept by the CSS), its web addresses as
// links that open in a new tab without handing it this page
// (rel="noopener noreferrer").  Never HTML: React escapes every segment.

import { linkify } from '@/lib/linkify';

export default function LinkedText({ text, className }: { text: string; className?: string }) {
  return (
    <p className={className}>
      {linkify(text).map((s, i) =>
        s.href ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : (
          s.text
        ),
      )}
    </p>
  );
}
