package onboarding

// The ids of the rows, dates and status fields the front ends and the
// service name outside a step's spec: each is spelled once, here.
const (
	FieldAppName        = "name"
	FieldDescription    = "description"
	FieldClientID       = "client_id"
	FieldClientSecret   = "client_secret"
	FieldRecipient      = "recipient"
	FieldROOKRedirect   = "rook_redirect"
	FieldLoopback       = "loopback"
	FieldROOKClientUUID = "rook_client_uuid"
	FieldROOKSecretKey  = "rook_secret_key"
	FieldROOKUserID     = "rook_user_id"
	FieldWebhookURL     = "webhook_url"

	// Step 1's review status and the steps' dates.
	FieldReview      = "review"
	FieldSubmittedOn = "submitted_on"
	FieldSharedOn    = "shared_on"
	FieldRequestedOn = "requested_on"

	// Ticks the service reads beside the checklist.
	TickSubmitted          = "submitted"  // step 1: the form is sent
	TickShared             = "shared"     // step 4: the hand-off is sent
	TickRedirectRegistered = "registered" // step 5: both URLs are in the Dexcom app
)

// Actions a step offers; each front end runs them through the service.
const (
	ActStoreCredentials = "save"
	ActSeal             = "seal"
	ActCopyROOK         = "copy_rook"
	ActCopyLoopback     = "copy_loop"
	ActPreflight        = "preflight"
	ActConnect          = "connect"
	ActConnectROOK      = "connect_rook"
	ActProbeWebhook     = "probe_webhook"
	ActStartProduction  = "start_production"
)
