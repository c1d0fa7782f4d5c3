use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comuni_zone_allerta")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub comune_id: i64,
    pub zona_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
