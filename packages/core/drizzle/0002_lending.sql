CREATE TABLE "credit_assessments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text,
	"status" text NOT NULL,
	"score" integer,
	"category" text,
	"breakdown" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rows_accepted" integer NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"transactions" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loan_applications" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"term_months" integer NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"rejection_reason" text,
	"offer_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loan_installments" (
	"loan_id" text NOT NULL,
	"number" integer NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"due_date" date NOT NULL,
	"principal" bigint NOT NULL,
	"interest" bigint NOT NULL,
	"fees" bigint NOT NULL,
	"paid_principal" bigint DEFAULT 0 NOT NULL,
	"paid_interest" bigint DEFAULT 0 NOT NULL,
	"paid_fees" bigint DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"collection_attempts" integer DEFAULT 0 NOT NULL,
	"next_collection_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"overdue_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loan_installments_loan_id_number_pk" PRIMARY KEY("loan_id","number")
);
--> statement-breakpoint
CREATE TABLE "loan_offers" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"application_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"principal" bigint NOT NULL,
	"currency" text NOT NULL,
	"annual_rate_bps" integer NOT NULL,
	"term_months" integer NOT NULL,
	"amortization" text NOT NULL,
	"origination_fee_bps" integer NOT NULL,
	"origination_fee" bigint NOT NULL,
	"installment_amount" bigint NOT NULL,
	"total_repayable" bigint NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"loan_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loans" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"application_id" text NOT NULL,
	"offer_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"principal" bigint NOT NULL,
	"currency" text NOT NULL,
	"annual_rate_bps" integer NOT NULL,
	"term_months" integer NOT NULL,
	"amortization" text NOT NULL,
	"origination_fee" bigint NOT NULL,
	"status" text NOT NULL,
	"disbursed_at" timestamp with time zone,
	"days_past_due" integer DEFAULT 0 NOT NULL,
	"delinquency_bucket" text DEFAULT 'current' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mandates" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"customer_id" text NOT NULL,
	"bank_code" text NOT NULL,
	"account_number_encrypted" text NOT NULL,
	"last4" text NOT NULL,
	"account_name" text NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repayments" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"loan_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"source" text NOT NULL,
	"mandate_id" text,
	"installment_number" integer,
	"attempt" integer,
	"status" text NOT NULL,
	"allocated_fees" bigint DEFAULT 0 NOT NULL,
	"allocated_interest" bigint DEFAULT 0 NOT NULL,
	"allocated_principal" bigint DEFAULT 0 NOT NULL,
	"failure_code" text,
	"failure_message" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_assessments" ADD CONSTRAINT "credit_assessments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_assessments" ADD CONSTRAINT "credit_assessments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_applications" ADD CONSTRAINT "loan_applications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_applications" ADD CONSTRAINT "loan_applications_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_installments" ADD CONSTRAINT "loan_installments_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_offers" ADD CONSTRAINT "loan_offers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_offers" ADD CONSTRAINT "loan_offers_application_id_loan_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."loan_applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_offers" ADD CONSTRAINT "loan_offers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_application_id_loan_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."loan_applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_offer_id_loan_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."loan_offers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_loan_id_loans_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_assessments_owner" ON "credit_assessments" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "credit_assessments_pending" ON "credit_assessments" USING btree ("id") WHERE "credit_assessments"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "loan_applications_owner" ON "loan_applications" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "loan_installments_unpaid_due" ON "loan_installments" USING btree ("due_date") WHERE "loan_installments"."status" <> 'paid';--> statement-breakpoint
CREATE INDEX "loan_offers_owner" ON "loan_offers" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "loan_offers_open_expiry" ON "loan_offers" USING btree ("expires_at") WHERE "loan_offers"."status" = 'open';--> statement-breakpoint
CREATE INDEX "loans_owner" ON "loans" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "loans_active" ON "loans" USING btree ("id") WHERE "loans"."status" = 'active';--> statement-breakpoint
CREATE INDEX "mandates_owner" ON "mandates" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "mandates_customer" ON "mandates" USING btree ("customer_id","status");--> statement-breakpoint
CREATE INDEX "mandates_pending" ON "mandates" USING btree ("id") WHERE "mandates"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "repayments_owner" ON "repayments" USING btree ("account_id","livemode","id");--> statement-breakpoint
CREATE INDEX "repayments_loan" ON "repayments" USING btree ("loan_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "repayments_one_pending" ON "repayments" USING btree ("loan_id") WHERE "repayments"."status" = 'pending';