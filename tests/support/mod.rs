pub mod hasura_standin;
pub mod postgres;
