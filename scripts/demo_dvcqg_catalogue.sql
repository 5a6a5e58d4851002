-- The database's active procedures as rows of the national catalogue (LayDanhSachTTHC), one JSON
-- list: scripts/demo_dvcqg.sh gives it to the local national portal (--catalogue), whose adapter
-- then knows every procedure's MaTTHC (its national code, else its own code).
SELECT coalesce(
    json_agg(
        json_build_object(
            'MATTHC', coalesce(nullif(p.dvcqg_code, ''), p.code),
            'TENTTHC', coalesce(nullif(p.dvcqg_name, ''), p.name ->> 'vi_VN', p.name ->> 'en_US'),
            'LINHVUCTHUCHIEN', CASE
                WHEN coalesce(p.dvcqg_field_code, '') = '' THEN '[]'::json
                ELSE json_build_array(
                    json_build_object('MALINHVUC', p.dvcqg_field_code, 'TENLINHVUC', coalesce(p.dvcqg_field_name, ''))
                )
            END
        )
        ORDER BY p.code
    ),
    '[]'::json
)
FROM moh_procedure p
WHERE p.active;
