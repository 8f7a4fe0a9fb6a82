CREATE TABLE "events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tx" bigint DEFAULT pg_current_xact_id()::text::bigint NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"subject" uuid NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "events_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE INDEX "events_order_idx" ON "events" USING btree ("tx","seq");--> statement-breakpoint
CREATE INDEX "events_subject_idx" ON "events" USING btree ("subject","tx","seq");--> statement-breakpoint
CREATE INDEX "events_time_idx" ON "events" USING btree ("time");