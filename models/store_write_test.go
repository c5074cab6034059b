package models

// testActor is who the store tests act as.
var testActor = Actor{Username: "office", IP: "127.0.0.1"}
