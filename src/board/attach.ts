/**
 * The boards beside a running `sirs start`: the terminal board's view of the journal, and the web board
 * with the facilitator's token (`--board web`).
 */
import { JournalFollower } from './follow.js';
import { boardView, type BoardView } from './view.js';

/** The current board of an exercise, read from its journal as it grows (each call reads what is new). */
export function followBoard(
  exerciseId: string,
  journalPath: string,
  now: () => number = Date.now,
): () => BoardView {
  const follower = new JournalFollower(journalPath);
  return () => {
    follower.poll();
    return boardView(exerciseId, follower.entries, now());
  };
}
