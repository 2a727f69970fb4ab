package sim

// PushTrigger and WhyNotServed expose the coverage table to the doc test.
func PushTrigger(id uint32) string { return pushTriggers[id] }

func WhyNotServed(id uint32) string { return whyNotServed(id) }
