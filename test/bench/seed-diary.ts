import { Client } from 'pg';
import type { Region } from './seed';

type Step = (table: string, fn: () => Promise<number>) => Promise<void>;

/** The diary part of the benchmark region: timetable, grades, attendance, homework. */
export async function seedDiary(_db: Client, _region: Region, _step: Step): Promise<void> {
  // Filled in once the diary schema (schedule, grades, homework) has landed.
}
