use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a user does at the practice; the route table says which roles may call which route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    FrontDesk,
    LabTech,
    Coder,
    Biller,
    Accountant,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::FrontDesk,
        Role::LabTech,
        Role::Coder,
        Role::Biller,
        Role::Accountant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::FrontDesk => "front_desk",
            Role::LabTech => "lab_tech",
            Role::Coder => "coder",
            Role::Biller => "biller",
            Role::Accountant => "accountant",
        }
    }

    pub fn parse(text: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login name: 3–64 of `a-z 0-9 . _ -`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Username, String> {
        let name = text.trim().to_ascii_lowercase();
        if !(3..=64).contains(&name.len()) {
            return Err("must be 3 to 64 characters".into());
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err("may contain only letters, digits, '.', '_' and '-'".into());
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 12 characters (NIST SP 800-63B favours length over composition rules).
pub fn check_new_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < 12 {
        return Err("must be at least 12 characters".into());
    }
    if length > 256 {
        return Err("must be at most 256 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse(" Front.Desk ").unwrap().as_str(),
            "front.desk"
        );
        for bad in ["ab", "with space", "semi;colon", &"x".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}
