import type { Metadata } from 'next';
import { Suspense } from 'react';
import ForgotScreen from '@/components/ForgotScreen';

export const metadata: Metadata = { title: 'Reset your password' };

export default function Page() {
  return (
    <Suspense>
      <ForgotScreen />
    </Suspense>
  );
}
