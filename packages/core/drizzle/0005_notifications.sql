CREATE TABLE "notification_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"ok" boolean NOT NULL,
	"provider_message_id" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"notification_id" text NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"subject" text,
	"text" text,
	"html" text,
	"template_version" integer DEFAULT 0 NOT NULL,
	"held_until" timestamp with time zone,
	"provider_message_id" text,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"recipient_id" text NOT NULL,
	"type" text NOT NULL,
	"channel" text NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_preferences_account_id_livemode_recipient_id_type_channel_pk" PRIMARY KEY("account_id","livemode","recipient_id","type","channel")
);
--> statement-breakpoint
CREATE TABLE "notification_recipients" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"recipient_id" text NOT NULL,
	"quiet_start" text,
	"quiet_end" text,
	"time_zone" text,
	"locale" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_recipients_account_id_livemode_recipient_id_pk" PRIMARY KEY("account_id","livemode","recipient_id")
);
--> statement-breakpoint
CREATE TABLE "notification_templates" (
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"type" text NOT NULL,
	"channel" text NOT NULL,
	"version" integer NOT NULL,
	"subject" text,
	"text" text NOT NULL,
	"html" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_templates_account_id_livemode_type_channel_version_pk" PRIMARY KEY("account_id","livemode","type","channel","version")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"type" text NOT NULL,
	"event_id" text,
	"subject_key" text NOT NULL,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"data" jsonb NOT NULL,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "notified_at" timestamp with time zone;--> statement-breakpoint
-- Events written before notifications existed are not announced now.
UPDATE "events" SET "notified_at" = "created_at";--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_delivery_id_notification_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."notification_deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_recipients" ADD CONSTRAINT "notification_recipients_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_templates" ADD CONSTRAINT "notification_templates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_attempts_delivery" ON "notification_attempts" USING btree ("delivery_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_channel" ON "notification_deliveries" USING btree ("notification_id","channel");--> statement-breakpoint
CREATE INDEX "notification_deliveries_status" ON "notification_deliveries" USING btree ("account_id","livemode","status");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_subject_recipient" ON "notifications" USING btree ("subject_key","recipient_kind","recipient_id");--> statement-breakpoint
CREATE INDEX "notifications_owner" ON "notifications" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "notifications_recipient" ON "notifications" USING btree ("account_id","livemode","recipient_id","id");--> statement-breakpoint
CREATE INDEX "notifications_unread" ON "notifications" USING btree ("account_id","livemode","id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "events_notify_pending" ON "events" USING btree ("id") WHERE "events"."notified_at" is null;