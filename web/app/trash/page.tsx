import type { Metadata } from 'next';
import { Suspense } from 'react';
import TrashScreen from '@/components/tasks/TrashScreen';

export const metadata: Metadata = { title: 'Trash' };

export default function Page() {
  return (
    <Suspense>
      <TrashScreen />
    </Suspense>
  );
}
