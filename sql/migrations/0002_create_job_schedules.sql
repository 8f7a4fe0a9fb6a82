CREATE TABLE "job_schedules" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"cron" text NOT NULL,
	"timezone" text NOT NULL,
	"overlap_policy" text NOT NULL,
	"catchup_window_seconds" integer NOT NULL,
	"jitter_seconds" integer NOT NULL,
	"start_at" timestamp with time zone,
	"end_at" timestamp with time zone,
	"paused" boolean NOT NULL,
	"pause_note" text,
	"next_fire_at" timestamp with time zone,
	"next_due_at" timestamp with time zone,
	"last_fire_at" timestamp with time zone,
	"runs_started" integer DEFAULT 0 NOT NULL,
	"ticks_skipped" integer DEFAULT 0 NOT NULL,
	"ticks_missed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "scheduled_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_schedules" ADD CONSTRAINT "job_schedules_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_schedules_due_idx" ON "job_schedules" USING btree ("next_due_at") WHERE not "job_schedules"."paused" and "job_schedules"."next_due_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "job_executions_one_per_tick" ON "job_executions" USING btree ("job_id","scheduled_for","attempt") WHERE "job_executions"."scheduled_for" is not null;