pub mod organizations_account_member;
