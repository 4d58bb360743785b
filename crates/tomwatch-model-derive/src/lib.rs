//! Derives that keep the inventory's invariants in its types instead of in hand-kept lists.
//!
//! - `CollectedErrors`: the walk over every `Collected` value of a type, nested ones included.
//!   A field added to the model is walked without anyone remembering to add it, so a unit's
//!   success and the report's errors can never miss it.
//! - `ServiceInventory`: `failed(error)`, the inventory of a service whose every collection
//!   failed with `error`. Every field must be a `Collected<_>`, or this does not compile.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{parse_macro_input, Data, DeriveInput, Fields};

#[proc_macro_derive(CollectedErrors)]
pub fn derive_collected_errors(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let body = match &input.data {
        Data::Struct(data) => {
            let members = data.fields.members();
            quote! { #( ::tomwatch_model::inventory::CollectedErrors::errors_into(&self.#members, out); )* }
        }
        Data::Enum(data) => {
            let arms = data.variants.iter().map(|variant| {
                let variant_name = &variant.ident;
                let (pattern, bindings) = bind(&variant.fields);
                quote! {
                    Self::#variant_name #pattern => {
                        #( ::tomwatch_model::inventory::CollectedErrors::errors_into(#bindings, out); )*
                    }
                }
            });
            quote! { match self { #(#arms)* } }
        }
        Data::Union(_) => {
            return syn::Error::new_spanned(name, "CollectedErrors cannot walk a union")
                .to_compile_error()
                .into()
        }
    };
    quote! {
        impl #impl_generics ::tomwatch_model::inventory::CollectedErrors for #name #type_generics #where_clause {
            fn errors_into(&self, out: &mut ::std::vec::Vec<::tomwatch_model::CollectionError>) {
                #body
            }
        }
    }
    .into()
}

/// A variant's fields as a pattern, and the names it binds them to.
fn bind(fields: &Fields) -> (Tokens, Vec<proc_macro2::Ident>) {
    match fields {
        Fields::Unit => (quote! {}, Vec::new()),
        Fields::Named(named) => {
            let names: Vec<_> = named.named.iter().filter_map(|f| f.ident.clone()).collect();
            (quote! { { #(#names),* } }, names)
        }
        Fields::Unnamed(unnamed) => {
            let names: Vec<_> = (0..unnamed.unnamed.len())
                .map(|i| format_ident!("field_{i}"))
                .collect();
            (quote! { ( #(#names),* ) }, names)
        }
    }
}

#[proc_macro_derive(ServiceInventory)]
pub fn derive_service_inventory(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let Data::Struct(data) = &input.data else {
        return syn::Error::new_spanned(name, "a service inventory is a struct")
            .to_compile_error()
            .into();
    };
    let Fields::Named(fields) = &data.fields else {
        return syn::Error::new_spanned(name, "a service inventory has named fields")
            .to_compile_error()
            .into();
    };
    let names = fields.named.iter().filter_map(|f| f.ident.as_ref());
    quote! {
        impl #name {
            /// Every collection of the service failed with `error`.
            pub fn failed(error: ::tomwatch_model::CollectionError) -> Self {
                #name { #( #names: ::std::result::Result::Err(error.clone()), )* }
            }
        }
    }
    .into()
}
