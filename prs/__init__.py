"""PRS online: a course-registration service written once, served two ways."""
