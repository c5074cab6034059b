package models

// SyntheticUsers are the users of the national synthetic data set, with the demo password.
func SyntheticUsers() []NewUser {
	return []NewUser{
		{Username: "office", DisplayName: "专班办公室", Password: DemoPassword, Role: RoleOffice, Demo: true},
		{Username: "leader", DisplayName: "领导", Password: DemoPassword, Role: RoleLeader, Demo: true},
	}
}
