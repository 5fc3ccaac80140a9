package eligibility

// Status is the verdict for a specialization (or one of its levels).
type Status string

// Verdicts.
const (
	Eligible    Status = "eligible"     // every condition met
	NotEligible Status = "not_eligible" // at least one condition not met
	Incomplete  Status = "incomplete"   // none failed, at least one unknown
)

// ConditionStatus is the state of one condition.
type ConditionStatus string

// Condition states.
const (
	Met     ConditionStatus = "met"
	NotMet  ConditionStatus = "not_met"
	Unknown ConditionStatus = "unknown"
)

// Report is the outcome of Evaluate. It carries every name and link its
// renderers show, so that a report read back from storage renders without
// the catalogue it was evaluated under.
type Report struct {
	Catalog string     `json:"catalog"`
	Today   string     `json:"today"`
	Results []Result   `json:"results"`
	Window  WindowInfo `json:"next_window"`
	// Certificates names each certificate the roles of the report mention.
	Certificates map[string]CertificateInfo `json:"certificates,omitempty"`
	// Lapsed are the certificates left out because they lapse before the
	// window opens.
	Lapsed []Lapse `json:"lapsed,omitempty"`
}

// CertificateInfo is a certificate's name and the course behind it.
type CertificateInfo struct {
	Name Text   `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Result is the verdict for one specialization. For a specialization with
// levels, Status is the best over its levels (Eligible when some level is
// met, else Incomplete when some level has no condition not met, else
// NotEligible); Level names the highest level met, Target the next level not
// met, and Conditions are those of the level Status describes: the level
// met, or the level closest to being met.
type Result struct {
	Specialization string            `json:"specialization"`
	Name           Text              `json:"name,omitempty"`
	Status         Status            `json:"status"`
	Level          string            `json:"level,omitempty"`
	Target         string            `json:"target_level,omitempty"`
	Conditions     []ConditionResult `json:"conditions"`
	Levels         []LevelResult     `json:"levels,omitempty"`
}

// LevelResult is the verdict for one level of a specialization.
type LevelResult struct {
	Level      string            `json:"level"`
	Name       Text              `json:"name,omitempty"`
	Status     Status            `json:"status"`
	Conditions []ConditionResult `json:"conditions"`
}

// ConditionResult is the state of one condition with what is missing.
type ConditionResult struct {
	ID     string          `json:"id"`
	Name   Text            `json:"name,omitempty"`
	Status ConditionStatus `json:"status"`
	// Gap says what is missing, typed by kind; nil when the condition is met.
	Gap  *Gap   `json:"gap,omitempty"`
	Fact string `json:"fact,omitempty"`
	Key  string `json:"key,omitempty"`

	// Thresholds (at_least, exceeds, count_keys): the threshold, whether it
	// must be exceeded rather than reached, the actual value when known and
	// how much is short of meeting the condition.
	Threshold *int64 `json:"threshold,omitempty"`
	Exceeds   bool   `json:"exceeds,omitempty"`
	Money     bool   `json:"money,omitempty"` // the amounts are rubles
	Actual    *int64 `json:"actual,omitempty"`
	Short     int64  `json:"short,omitempty"`

	// Equals: the value wanted and the value given.
	Want      string `json:"want,omitempty"`
	State     string `json:"state,omitempty"`
	WantName  Text   `json:"want_name,omitempty"`
	StateName Text   `json:"state_name,omitempty"`

	// CountKeys: how many keys are needed and which keys qualify.
	Need      int      `json:"need,omitempty"`
	Qualified []string `json:"qualified,omitempty"`

	Roles []RoleResult `json:"roles,omitempty"`

	// Any or All: the nested conditions.
	Mode     string            `json:"mode,omitempty"`
	Children []ConditionResult `json:"conditions,omitempty"`

	Condition *Condition `json:"-"`
}

// RoleResult says who fills a role, or what would fill it.
type RoleResult struct {
	Index    int      `json:"index"`
	Name     Text     `json:"name,omitempty"`
	Filled   bool     `json:"filled"`
	Employee string   `json:"employee,omitempty"`
	AllOf    []string `json:"all_of,omitempty"`
	AnyOf    []string `json:"any_of,omitempty"`
	// Closest is the unassigned employee nearest to filling the role, and
	// Lacks what that employee still needs (for AnyOf: any one of them).
	Closest string   `json:"closest,omitempty"`
	Lacks   []string `json:"lacks,omitempty"`
	Role    *Role    `json:"-"`
}

// Result returns the result for a specialization id.
func (r *Report) Result(spec string) (Result, bool) {
	for _, res := range r.Results {
		if res.Specialization == spec {
			return res, true
		}
	}
	return Result{}, false
}

// Gaps counts the conditions not met among those Status describes.
func (r Result) Gaps() int {
	return countStatus(r.Conditions, NotMet)
}

// Unknowns counts the conditions whose facts are unknown.
func (r Result) Unknowns() int {
	return countStatus(r.Conditions, Unknown)
}

func countStatus(cs []ConditionResult, s ConditionStatus) int {
	n := 0
	for _, c := range cs {
		if c.Status == s {
			n++
		}
	}
	return n
}
