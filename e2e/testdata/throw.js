throw new Error("fixture: thrown on purpose");
