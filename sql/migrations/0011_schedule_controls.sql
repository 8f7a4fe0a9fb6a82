ALTER TABLE "job_executions" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "deadline_missed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "remaining_runs" integer;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "pause_after_failures" integer;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "deadline_seconds" integer;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "deadlines_missed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "consecutive_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD COLUMN "failure_streak" jsonb DEFAULT '[]'::jsonb NOT NULL;