// A few 16px line icons, drawn in currentColor; always beside text or with
// a label, never the only signal.

type P = { className?: string };
const base = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.6,
  strokeLinecap: 'round' as const,
  strokeLinejoin: 'round' as const,
  'aria-hidden': true,
  focusable: false,
};

export const BellIcon = ({ className }: P) => (
  <svg {...base} className={className} width={20} height={20}>
    <path d="M4 11.5V7a4 4 0 0 1 8 0v4.5l1.2 1.5H2.8z" />
    <path d="M6.5 14.5a1.6 1.6 0 0 0 3 0" />
  </svg>
);
export const CheckIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <path d="M3 8.5l3.2 3L13 4.5" />
  </svg>
);
export const CircleIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <circle cx="8" cy="8" r="5.5" />
  </svg>
);
export const HalfIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <circle cx="8" cy="8" r="5.5" />
    <path d="M8 2.5v11a5.5 5.5 0 0 0 0-11z" fill="currentColor" />
  </svg>
);
export const AlertIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3M8 11.6v.1" />
  </svg>
);
export const ClockIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.5V8l2.5 1.5" />
  </svg>
);
export const CalendarIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <rect x="2.5" y="3.5" width="11" height="10" rx="1.5" />
    <path d="M2.5 6.5h11M5.5 2v3M10.5 2v3" />
  </svg>
);
export const RepeatIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <path d="M2.5 7V6a2 2 0 0 1 2-2h8l-2-2M13.5 9v1a2 2 0 0 1-2 2h-8l2 2" />
  </svg>
);
export const DashIcon = ({ className }: P) => (
  <svg {...base} className={className}>
    <path d="M4 8h8" />
  </svg>
);
