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

// Report is the outcome of Evaluate.
type Report struct {
	Catalog string     `json:"catalog"`
	Today   string     `json:"today"`
	Results []Result   `json:"results"`
	Window  WindowInfo `json:"next_window"`
}

// Result is the verdict for one specialization. For a specialization with
// levels, Status is Eligible when its first level is reached, Level names the
// highest level reached, and Conditions are those of the next level to reach
// (or of the highest, when every level is reached).
type Result struct {
	Specialization string            `json:"specialization"`
	Status         Status            `json:"status"`
	Level          string            `json:"level,omitempty"`
	Target         string            `json:"target_level,omitempty"`
	Conditions     []ConditionResult `json:"conditions"`
	Levels         []LevelResult     `json:"levels,omitempty"`
}

// LevelResult is the verdict for one level of a specialization.
type LevelResult struct {
	Level      string            `json:"level"`
	Status     Status            `json:"status"`
	Conditions []ConditionResult `json:"conditions"`
}

// ConditionResult is the state of one condition with what is missing.
type ConditionResult struct {
	ID     string          `json:"id"`
	Status ConditionStatus `json:"status"`
	Fact   string          `json:"fact,omitempty"`
	Key    string          `json:"key,omitempty"`

	// Thresholds (at_least, exceeds, count_keys): the threshold, whether it
	// must be exceeded rather than reached, the actual value when known and
	// how much is short of meeting the condition.
	Threshold *int64 `json:"threshold,omitempty"`
	Exceeds   bool   `json:"exceeds,omitempty"`
	Actual    *int64 `json:"actual,omitempty"`
	Short     int64  `json:"short,omitempty"`

	// Equals: the value wanted and the value given.
	Want  string `json:"want,omitempty"`
	State string `json:"state,omitempty"`

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

// Gaps counts the top-level conditions not met.
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
