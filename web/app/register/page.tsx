import type { Metadata } from 'next';
import { Suspense } from 'react';
import RegisterScreen from '@/components/RegisterScreen';

export const metadata: Metadata = { title: 'Register' };

export default function Page() {
  return (
    <Suspense>
      <RegisterScreen />
    </Suspense>
  );
}
