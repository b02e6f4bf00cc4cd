package onboarding

// The field rows of the steps. Each field's value is read, checked and
// stored by the service, keyed by its id.

var appNameRow = Row{Kind: Field, ID: FieldAppName, Label: "App name, as in the portal", Limit: 80,
	Placeholder: "e.g. Acme Health {track}"}

var appDescriptionRow = Row{Kind: Field, ID: FieldDescription, Label: "Description", Limit: 200, Optional: true,
	Placeholder: "what the app does with Dexcom data"}

var clientIDRow = Row{Kind: Field, ID: FieldClientID, Label: "Client ID", Limit: 128, ForAction: true,
	Placeholder: "Client ID from the app's page"}

var clientSecretRow = Row{Kind: Field, ID: FieldClientSecret, Label: "Client Secret", Limit: 128, Secret: true, ForAction: true,
	Placeholder: "Client Secret (hidden; paste works)", Hint: "shown as dots; stored only in the encrypted vault"}

var recipientRow = Row{Kind: Field, ID: FieldRecipient, Label: "ROOK engineer's public key", Limit: 200, Optional: true, ForAction: true,
	Placeholder: "age1… (your CSE's public key)", Hint: "from dexonboard handoff keygen on their side; not secret"}

var rookRedirectRow = Row{Kind: Field, ID: FieldROOKRedirect, Label: "Redirect URL returned by ROOK", Limit: 300,
	Placeholder: "https://… (the Redirect URL your CSE sent)",
	Hint:        "https, no #fragment; paste the URL or ROOK's whole reply; enter stores it"}

var loopbackRow = Row{Kind: Field, ID: FieldLoopback, Label: "Loopback Redirect URL for the self-check (step 6)", Limit: 200,
	Placeholder: DefaultLoopback, Hint: "http://localhost:PORT/PATH; enter stores it"}

var rookClientUUIDRow = Row{Kind: Field, ID: FieldROOKClientUUID, Label: "ROOK client UUID", Limit: 100, Optional: true,
	Placeholder: "from ROOK's client portal, {rookenv} environment", Hint: "not secret; each ROOK environment has its own"}

var rookSecretKeyRow = Row{Kind: Field, ID: FieldROOKSecretKey, Label: "ROOK secret key", Limit: 200, Secret: true, Optional: true,
	Placeholder: "{rookenv} secret key (hidden; paste works)", Hint: "shown as dots; stored only in the encrypted vault"}

var rookUserIDRow = Row{Kind: Field, ID: FieldROOKUserID, Label: "Test user id at ROOK", Limit: MaxROOKUserIDLen, Optional: true,
	Placeholder: DefaultROOKUserID, Hint: "any id of yours; ROOK creates the user when it is first used"}

var webhookRow = Row{Kind: Field, ID: FieldWebhookURL, Label: "Data webhook URL (ROOK delivers here)", Limit: 300, Optional: true,
	Placeholder: "https://api.example.com/rook/webhook", Hint: "ROOK POSTs JSON without authentication; dexonboard checks that it answers 200 (its reading of the guide's \"Ensure the response code is 200\")"}
