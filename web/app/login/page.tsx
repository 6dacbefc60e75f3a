import type { Metadata } from 'next';
import { Suspense } from 'react';
import LoginScreen from '@/components/LoginScreen';

export const metadata: Metadata = { title: 'Log in' };

export default function Page() {
  return (
    <Suspense>
      <LoginScreen />
    </Suspense>
  );
}
