package rook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// HashHeader is the header webhook v2 deliveries carry.
const HashHeader = "X-ROOK-Hash"

// HashHex is ROOK's published primitive: the hex HMAC-SHA256 of message
// keyed with key (ROOK's changelog, "Webhook Sender Validation using
// HMAC"; vector: "ROOK" keyed "ROOK_Secret_Key").
func HashHex(key, message string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

// Hash is x-rook-hash for one delivery: HashHex of client_uuid + user_id +
// datetime, joined with no separator, keyed with the client's secret hash
// key.
func Hash(hashKey, clientUUID, userID, datetime string) string {
	return HashHex(hashKey, clientUUID+userID+datetime)
}

// Which datetime a hash was made with. ROOK does not spell out whether it
// is the document's top-level datetime or its metadata's [I]: both are
// tried, top-level first.
const (
	TopLevelDatetime = "top-level datetime"
	MetadataDatetime = "metadata datetime"
)

// HashFields are the values a delivery's hash is made of, read from its
// body. Datetimes lists the candidates in the order to try them.
type HashFields struct {
	ClientUUID string
	UserID     string
	Datetimes  []HashDatetime
}

// HashDatetime is one candidate datetime and where it was found.
type HashDatetime struct {
	Where string // TopLevelDatetime or MetadataDatetime
	Value string
}

// ReadHashFields reads client_uuid, user_id and the candidate datetimes of
// a delivery body. ok is false when the body is not JSON or lacks any.
func ReadHashFields(body []byte) (f HashFields, ok bool) {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return f, false
	}
	f.ClientUUID, _ = doc["client_uuid"].(string)
	f.UserID, _ = doc["user_id"].(string)
	for _, k := range []string{"datetime", "datetime_string"} {
		if v, _ := doc[k].(string); v != "" {
			f.Datetimes = append(f.Datetimes, HashDatetime{TopLevelDatetime, v})
			break
		}
	}
	if v := metadataDatetime(doc, 0); v != "" {
		f.Datetimes = append(f.Datetimes, HashDatetime{MetadataDatetime, v})
	}
	return f, f.ClientUUID != "" && f.UserID != "" && len(f.Datetimes) > 0
}

// metadataDatetime finds the first metadata.datetime_string in v, depth
// first in document order for arrays (maps have no order: each pillar
// holds one structure, so there is one candidate in practice).
func metadataDatetime(v any, depth int) string {
	if depth > 8 {
		return ""
	}
	switch t := v.(type) {
	case map[string]any:
		if m, ok := t["metadata"].(map[string]any); ok {
			if s, _ := m["datetime_string"].(string); s != "" {
				return s
			}
		}
		for k, c := range t {
			if k == "metadata" {
				continue
			}
			if s := metadataDatetime(c, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, c := range t {
			if s := metadataDatetime(c, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

// HashVerdict is what a delivery's x-rook-hash showed.
type HashVerdict int

// The verdicts.
const (
	HashNotChecked HashVerdict = iota // no key given
	HashVerified
	HashWrong
	HashMissing
	HashUnreadable // the body lacks client_uuid, user_id or a datetime
)

func (v HashVerdict) String() string {
	return [...]string{"not checked", "verified", "wrong", "missing", "unreadable body"}[v]
}

// HashCheck is a verification: the verdict and, when verified, which
// datetime matched.
type HashCheck struct {
	Verdict HashVerdict
	Matched string // TopLevelDatetime or MetadataDatetime
}

// VerifyHash checks header against body with hashKey ("" : not checked).
func VerifyHash(hashKey, header string, body []byte) HashCheck {
	if hashKey == "" {
		return HashCheck{Verdict: HashNotChecked}
	}
	header = strings.ToLower(strings.TrimSpace(header))
	if header == "" {
		return HashCheck{Verdict: HashMissing}
	}
	f, ok := ReadHashFields(body)
	if !ok {
		return HashCheck{Verdict: HashUnreadable}
	}
	for _, d := range f.Datetimes {
		if hmac.Equal([]byte(header), []byte(Hash(hashKey, f.ClientUUID, f.UserID, d.Value))) {
			return HashCheck{Verdict: HashVerified, Matched: d.Where}
		}
	}
	return HashCheck{Verdict: HashWrong}
}

// SignBody is the x-rook-hash ROOK would send with body (its top-level
// datetime, else its metadata's); "" when the body lacks the fields.
func SignBody(hashKey string, body []byte) string {
	f, ok := ReadHashFields(body)
	if !ok {
		return ""
	}
	return Hash(hashKey, f.ClientUUID, f.UserID, f.Datetimes[0].Value)
}
