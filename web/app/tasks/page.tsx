import type { Metadata } from 'next';
import { Suspense } from 'react';
import TasksScreen from '@/components/tasks/TasksScreen';

export const metadata: Metadata = { title: 'Tasks' };

export default function Page() {
  return (
    <Suspense>
      <TasksScreen />
    </Suspense>
  );
}
