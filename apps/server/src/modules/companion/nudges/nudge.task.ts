/**
 * `companion.engagement_nudge` (seed 004 "Engagement Nudges", generation temperature 0.7): a short personalised
 * message with a call to action. Local: a message composed from the student's own activity (their weakest
 * concept, the goal closest to done, what they last studied), so it is specific without a model.
 */
import { z } from 'zod';
import { defineAiTask } from '../../../platform/ai/port';
import type { NudgeReason } from './nudge.rules';

export type NudgeInput = {
  firstName: string;
  reason: NudgeReason;
  daysInactive: number | null;
  sessionsSoFar: number;
  lastSubject: string | null;
  weakestConcept: { name: string; mastery: number } | null;
  closestGoal: { title: string; progress: number } | null;
};

const ZNudge = z.object({
  message: z.string().min(1).max(400).describe('At most two sentences, warm, specific'),
  subject: z.string().min(1).max(120).describe('A short title'),
  call_to_action: z.string().min(1).max(60).describe('A button label, e.g. "Practise fractions now"'),
  urgency: z.enum(['low', 'medium', 'high']),
});
export type NudgeMessage = z.infer<typeof ZNudge>;

export function composeNudgeLocally(i: NudgeInput): NudgeMessage {
  const hello = `Hi ${i.firstName}!`;
  if (i.closestGoal && i.closestGoal.progress >= 50) {
    return {
      subject: `So close: ${i.closestGoal.title}`,
      message: `${hello} You are ${i.closestGoal.progress}% of the way to “${i.closestGoal.title}”. A 10-minute practice set could get you over the line.`,
      call_to_action: 'Finish your goal',
      urgency: i.reason === 'inactive' ? 'medium' : 'low',
    };
  }
  if (i.weakestConcept) {
    return {
      subject: `Ten minutes on ${i.weakestConcept.name}?`,
      message:
        i.reason === 'first_week'
          ? `${hello} Welcome aboard. ${i.weakestConcept.name} came up in your session; a short practice set now makes the next one easier.`
          : `${hello} It has been ${i.daysInactive ?? 'a few'} days. ${i.weakestConcept.name} is at ${Math.round(i.weakestConcept.mastery)}/100 for you: a short practice set keeps it from slipping.`,
      call_to_action: `Practise ${i.weakestConcept.name}`,
      urgency: i.reason === 'inactive' && (i.daysInactive ?? 0) >= 14 ? 'high' : 'medium',
    };
  }
  if (i.reason === 'first_week') {
    return {
      subject: 'Your first week',
      message: `${hello} You have had ${i.sessionsSoFar} session${i.sessionsSoFar === 1 ? '' : 's'} so far. Students who book their next one in the first week get the most out of tutoring.`,
      call_to_action: 'Book your next session',
      urgency: 'medium',
    };
  }
  return {
    subject: i.lastSubject ? `Back to ${i.lastSubject}?` : 'We miss you',
    message: `${hello} It has been ${i.daysInactive ?? 'a few'} days since you last studied${i.lastSubject ? ` ${i.lastSubject}` : ''}. Pick up where you left off with a quick question to your study companion.`,
    call_to_action: 'Ask your study companion',
    urgency: (i.daysInactive ?? 0) >= 14 ? 'high' : 'medium',
  };
}

export const engagementNudgeTask = defineAiTask<NudgeInput, NudgeMessage>({
  name: 'companion.engagement_nudge',
  system:
    'Write a short, warm, specific re-engagement message for a student of a tutoring service, with a call to ' +
    'action. Never guilt-trip; mention one concrete thing from their activity. Answer JSON: message, subject, ' +
    'call_to_action, urgency.',
  render: (i) =>
    [
      `First name: ${i.firstName}`,
      `Why: ${i.reason === 'first_week' ? `first week, ${i.sessionsSoFar} session(s) so far` : `inactive for ${i.daysInactive} days`}`,
      `Last subject: ${i.lastSubject ?? 'none'}`,
      `Weakest concept: ${i.weakestConcept ? `${i.weakestConcept.name} (${Math.round(i.weakestConcept.mastery)}/100)` : 'none known'}`,
      `Closest goal: ${i.closestGoal ? `${i.closestGoal.title} (${i.closestGoal.progress}%)` : 'none'}`,
    ].join('\n'),
  output: ZNudge,
  temperature: 0.7,
  timeoutMs: 20_000,
  retries: 1,
  maxOutputTokens: 300,
  local: composeNudgeLocally,
  localModel: 'companion-local-v1',
});
