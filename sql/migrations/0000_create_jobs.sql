CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"jar_url" text NOT NULL,
	"entry_class" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"args" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parallelism" integer,
	"flink_configuration" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"jar_sha256" text,
	"timeout_seconds" integer,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_live_name_key" ON "jobs" USING btree ("name") WHERE "jobs"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "jobs_live_name_id_idx" ON "jobs" USING btree ("name" collate "C","id") WHERE "jobs"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "jobs_labels_idx" ON "jobs" USING gin ("labels");